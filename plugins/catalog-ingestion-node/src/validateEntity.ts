import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  KindValidator,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** The kinds this catalog processes, with their validators. */
const kindValidators: Record<string, KindValidator> = {
  api: apiEntityV1alpha1Validator,
  component: componentEntityV1alpha1Validator,
  domain: domainEntityV1alpha1Validator,
  group: groupEntityV1alpha1Validator,
  location: locationEntityV1alpha1Validator,
  resource: resourceEntityV1alpha1Validator,
  system: systemEntityV1alpha1Validator,
  user: userEntityV1alpha1Validator,
  template: templateEntityV1beta3Validator,
};

const knownKinds =
  'API, Component, Domain, Group, Location, Resource, System, Template, User';

/**
 * Validates an entity the way the catalog will (catalog-model's policies
 * and the kind's schema), so a refusal is reported with its file and line
 * here instead of as a processing error somewhere later. Returns the
 * normalised entity (default namespace filled in) or an error message.
 */
export async function validateEntity(
  data: unknown,
): Promise<{ entity: Entity } | { error: string }> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { error: 'document is not an object' };
  }
  let entity: Entity | undefined;
  try {
    entity = await policy.enforce(structuredClone(data) as Entity);
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (!entity) {
    return { error: 'entity was refused by the entity policy' };
  }
  const validator = kindValidators[entity.kind.toLocaleLowerCase('en-US')];
  if (!validator) {
    return {
      error: `unknown kind "${entity.kind}" (apiVersion ${entity.apiVersion}); this catalog accepts ${knownKinds}`,
    };
  }
  try {
    if (!(await validator.check(entity))) {
      return {
        error: `apiVersion "${entity.apiVersion}" is not supported for kind ${entity.kind}`,
      };
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { entity };
}
