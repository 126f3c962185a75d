import { familyIds, type FamilyId, type FamilySpec } from '../model.ts';
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
 * Every rule family by id, each written to its own rules file and runbook; the compiler checks
 * that each id of `familyIds` has a builder and that the builder makes the family of that id.
 */
const builders = {
  service: serviceFamily,
  slos: sloFamily,
  dependencies: dependenciesFamily,
  protection: protectionFamily,
  probes: probesFamily,
  backups: backupsFamily,
  certificates: certificatesFamily,
  meta: metaFamily,
} as const satisfies {
  readonly [Id in FamilyId]: (context: GenerationContext) => FamilySpec<Id>;
};

/** The families in the order of `familyIds`. */
export function ruleFamilies(context: GenerationContext): FamilySpec[] {
  return familyIds.map((id) => builders[id](context));
}
