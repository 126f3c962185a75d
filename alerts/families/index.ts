import type { FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { sloFamily } from '../slo/family.ts';
import { backupsFamily } from './backups.ts';
import { certificatesFamily } from './certificates.ts';
import { dependenciesFamily } from './dependencies.ts';
import { metaFamily } from './meta.ts';
import { probesFamily } from './probes.ts';
import { protectionFamily } from './protection.ts';
import { serviceFamily } from './service.ts';

/**
 * Every rule family, each written to its own rules file and runbook. Adding a family means a
 * file here and an entry in `familyIds`.
 */
export function ruleFamilies(context: GenerationContext): FamilySpec[] {
  return [
    serviceFamily(context),
    sloFamily(context),
    dependenciesFamily(context),
    protectionFamily(context),
    probesFamily(context),
    backupsFamily(context),
    certificatesFamily(context),
    metaFamily(),
  ];
}
