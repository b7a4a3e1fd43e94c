import { DynamicModule, Module } from '@nestjs/common';
import { AuditOnBehalfOf1764900000000, AuditRecord, CONFIG, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { CorrespondenceAccessRepository } from './access/access.repository';
import { CorrespondenceConfig } from './config';
import { BankDetailsCipher } from './crypto/bank-details-cipher';
import { DispatchService } from './gateways/dispatch.service';
import { GatewayOutboxRecord } from './gateways/gateway-outbox.entity';
import { PRINT_GATEWAY, SMS_GATEWAY } from './gateways/gateways';
import { LocalPrintGateway, LocalSmsGateway } from './gateways/local-gateways';
import { IssueLogController } from './issue-log/issue-log.controller';
import { CorrespondenceItem, LetterPdf } from './letters/correspondence-item.entity';
import { CorrespondenceItemsService } from './letters/items.service';
import { LettersController } from './letters/letters.controller';
import { ApprovalLookup } from './letters/approvals';
import { LettersService } from './letters/letters.service';
import { Correspondence1764300000000 } from './migrations/1764300000000-correspondence';
import { TemplatesV11764300000001 } from './migrations/1764300000001-templates-v1';
import { LetterRenderer } from './rendering/letter-renderer';
import { SmsController } from './sms/sms.controller';
import { SmsService } from './sms/sms.service';
import { LetterheadRecord, LetterTemplateRecord } from './templates/template.entity';
import { TemplatesController } from './templates/templates.controller';
import { TemplatesService } from './templates/templates.service';

export const ENTITIES = [
  AuditRecord,
  LetterTemplateRecord,
  LetterheadRecord,
  CorrespondenceItem,
  LetterPdf,
  GatewayOutboxRecord,
];
export const MIGRATIONS = [
  Correspondence1764300000000,
  TemplatesV11764300000001,
  AuditOnBehalfOf1764900000000,
];

/** Root module of correspondence. */
@Module({})
export class AppModule {
  static forRoot(config: CorrespondenceConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'correspondence',
          config,
          database: { entities: ENTITIES, migrations: MIGRATIONS },
          access: CorrespondenceAccessRepository,
          logDestination,
        }),
      ],
      controllers: [TemplatesController, LettersController, SmsController, IssueLogController],
      providers: [
        TemplatesService,
        CorrespondenceItemsService,
        ApprovalLookup,
        LettersService,
        SmsService,
        DispatchService,
        BankDetailsCipher,
        {
          provide: LetterRenderer,
          inject: [CONFIG],
          useFactory: (c: CorrespondenceConfig) =>
            new LetterRenderer(
              c.LETTER_FONT_REGULAR && c.LETTER_FONT_BOLD
                ? { regular: c.LETTER_FONT_REGULAR, bold: c.LETTER_FONT_BOLD }
                : undefined,
            ),
        },
        // Only local gateways exist so far (PRINT_GATEWAY / SMS_GATEWAY = local).
        { provide: PRINT_GATEWAY, useClass: LocalPrintGateway },
        { provide: SMS_GATEWAY, useClass: LocalSmsGateway },
      ],
    };
  }
}
