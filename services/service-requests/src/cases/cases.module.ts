import { Module } from '@nestjs/common';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

/** Cases (enquiries, applications, cases) and their participants. Exports nothing. */
@Module({ controllers: [CasesController], providers: [CasesService] })
export class CasesModule {}
