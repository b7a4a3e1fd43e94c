import { Module } from '@nestjs/common';
import { SensitivityController } from './sensitivity.controller';

/**
 * The other services' question which of their records' cases and clients are nationally sensitive
 * . The repository that answers it is the platform's (PlatformModule `access`). Exports nothing.
 */
@Module({ controllers: [SensitivityController] })
export class AccessModule {}
