import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { Access, ApiProblems, Roles } from '@cms/platform';
import { TemplatesService } from './templates.service';
import { TemplateView, toTemplateView } from './template.view';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;

export class ListTemplatesQuery {
  @ApiPropertyOptional({
    enum: ['latest', 'all'],
    default: 'latest',
    example: 'latest',
    description: 'Latest version of each, or every version',
  })
  @IsOptional()
  @IsIn(['latest', 'all'])
  versions?: 'latest' | 'all';
}

export class TemplateVersionQuery {
  @ApiPropertyOptional({ example: 1, description: 'A given version; the latest when absent' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

/** Letter and SMS templates: versions, wording and the personalisation fields each declares. */
@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Roles(...STAFF)
  @Access.noSubject('letter and SMS templates: wording and fields, no citizen data')
  @ApiOperation({ summary: 'Every letter and SMS template (latest version of each, or all versions).' })
  @ApiOkResponse({ type: [TemplateView] })
  list(@Query() q: ListTemplatesQuery): TemplateView[] {
    return (q.versions === 'all' ? this.templates.all() : this.templates.latestAll()).map(toTemplateView);
  }

  @Get(':code')
  @Roles(...STAFF)
  @Access.noSubject('a letter or SMS template: wording and fields, no citizen data')
  @ApiOperation({ summary: 'One template, latest version or `?version=n`, with its personalisation fields.' })
  @ApiOkResponse({ type: TemplateView })
  @ApiProblems(404)
  get(@Param('code') code: string, @Query() q: TemplateVersionQuery): TemplateView {
    return toTemplateView(this.templates.get(code, q.version));
  }
}
