import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiProblems, Roles } from '@cms/platform';
import { GenerateChangesDto, GenerateChangesResultView, RecordChangeDto } from './change.dto';
import { CIS_CHANGE_SCHEMAS } from './change.schemas';
import { ChangeView } from './change.view';
import { ChangesService } from './changes.service';

/** Admin: changes made to persons' records elsewhere in DWP, which CIS then broadcasts (BR-6). */
@ApiTags('admin')
@ApiExtraModels(...CIS_CHANGE_SCHEMAS)
@Controller('admin/changes')
export class ChangesController {
  constructor(private readonly changes: ChangesService) {}

  @Post()
  @Roles('system')
  @Access.systemOnly(
    'CIS simulator admin: records a change made elsewhere in DWP on the simulated CIS (not our records)',
  )
  @ApiOperation({
    summary: 'Record a change made elsewhere in DWP (any of the 15 BR-6 types) and apply it to the record.',
    description:
      'The change is validated with validateCisChange (@cms/domain), must carry only its type’s fields, and is ' +
      'recorded at the simulator’s clock time: it is broadcast with its UK day’s batch, 24 hours after the day ends ' +
      '(BR-2), if CMG then has an interest (BR-1) and it is the day’s latest change to its item (BR-3).',
  })
  @ApiCreatedResponse({ type: ChangeView })
  @ApiProblems(404, 422)
  record(@Body() dto: RecordChangeDto): Promise<ChangeView> {
    return this.changes.recordFromAdmin(dto);
  }

  @Post('generate')
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: generates changes on the simulated CIS (not our records)')
  @ApiOperation({
    summary:
      'Record `perType` realistic random changes of every BR-6 type on live persons with an interest (seeded).',
  })
  @ApiCreatedResponse({ type: GenerateChangesResultView })
  @ApiProblems(422)
  generate(@Body() dto: GenerateChangesDto): Promise<GenerateChangesResultView> {
    return this.changes.generate(dto);
  }
}
