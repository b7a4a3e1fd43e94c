import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { Access, Roles } from '@cms/platform';
import { FaultsService, MAX_HOLD_MS } from './faults.service';

/** Body of `POST /admin/faults`: the settings to change; others stay as they are. */
export class FaultSettingsDto {
  @ApiPropertyOptional({
    example: 0.2,
    minimum: 0,
    maximum: 1,
    description: 'Share of CIS calls answered 503 TECHNICAL_ERROR',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  technicalErrorShare?: number;

  @ApiPropertyOptional({
    example: 250,
    minimum: 0,
    maximum: 60000,
    description: 'Milliseconds added to every CIS call',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  delayMs?: number;

  @ApiPropertyOptional({
    example: 0.1,
    minimum: 0,
    maximum: 1,
    description: 'Share of CIS calls never answered',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  noAnswerShare?: number;

  @ApiPropertyOptional({
    example: 30000,
    minimum: 10,
    maximum: MAX_HOLD_MS,
    description:
      'How long an unanswered call is held before the connection is dropped (default and maximum 30000)',
  })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(MAX_HOLD_MS)
  noAnswerHoldMs?: number;

  @ApiPropertyOptional({
    example: true,
    description: 'Deliver the next broadcast batch twice (same batchId)',
  })
  @IsOptional()
  @IsBoolean()
  duplicateNextBatch?: boolean;

  @ApiPropertyOptional({
    example: 1234,
    nullable: true,
    type: Number,
    description: 'Seed of the draws deciding which calls fail (repeatable); null for unseeded',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  seed?: number | null;
}

export class FaultCountsView {
  @ApiProperty({ example: 3 }) technicalErrors: number;
  @ApiProperty({ example: 1 }) noAnswers: number;
  @ApiProperty({ example: 12 }) delayed: number;
}

/** The fault settings in force and how many CIS calls each fault hit since they were set. */
export class FaultsView {
  @ApiProperty({ example: 0.2 }) technicalErrorShare: number;
  @ApiProperty({ example: 0 }) delayMs: number;
  @ApiProperty({ example: 0 }) noAnswerShare: number;
  @ApiProperty({ example: 30000 }) noAnswerHoldMs: number;
  @ApiProperty({ example: false }) duplicateNextBatch: boolean;
  @ApiProperty({ nullable: true, type: Number, example: null }) seed: number | null;
  @ApiProperty({ type: FaultCountsView }) counts: FaultCountsView;
}

/**
 * Admin: fault injection into the CIS calls (`/cis/*`) and broadcasts, so that cis-interface's
 * handling of technical errors (RD-5), slowness, silence and duplicate batches can be tested.
 * Settings live in the process and reset on restart.
 */
@ApiTags('admin')
@Controller('admin/faults')
export class FaultsController {
  constructor(private readonly faults: FaultsService) {}

  @Get()
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: the fault settings in force (no citizen data)')
  @ApiOperation({ summary: 'The fault settings in force.' })
  @ApiOkResponse({ type: FaultsView })
  get(): FaultsView {
    return this.faults.current();
  }

  @Post()
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: fault injection into the CIS calls (no citizen data)')
  @ApiOperation({
    summary: 'Change fault settings (given fields only).',
    description:
      'Every CIS call is first delayed by `delayMs`; then, by draw, it is not answered (held `noAnswerHoldMs`, at most ' +
      '30 s, then the connection is dropped) or answered HTTP 503 problem+json TECHNICAL_ERROR, or handled normally. ' +
      '`duplicateNextBatch` makes the next broadcast batch be delivered twice with the same batchId.',
  })
  @ApiOkResponse({ type: FaultsView })
  set(@Body() dto: FaultSettingsDto): FaultsView {
    return this.faults.update(dto);
  }

  @Post('reset')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: removes every fault (no citizen data)')
  @ApiOperation({ summary: 'Remove every fault.' })
  @ApiOkResponse({ type: FaultsView })
  reset(): FaultsView {
    return this.faults.reset();
  }
}
