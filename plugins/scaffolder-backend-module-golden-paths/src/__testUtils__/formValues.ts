/** A plausible value for one schema, as a person would fill in the form. */
function fill(schema: any): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  switch (schema['ui:field']) {
    case 'RepoUrlPicker':
      return 'github.com?owner=acme&repo=corpus-example';
    case 'OwnerPicker':
      return 'group:default/team-a';
    case 'EntityPicker':
      // Only owners are known to exist; other pickers stay empty.
      return schema['ui:options']?.catalogFilter?.kind === 'Group'
        ? 'group:default/team-a'
        : undefined;
    default:
  }
  switch (schema.type) {
    case 'string':
      return 'corpus-example';
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return valuesOf(schema);
    default:
      return undefined;
  }
}

function valuesOf(schema: any): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries<any>(
    schema?.properties ?? {},
  )) {
    const value = fill(property);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/**
 * Form values for every page of a template, as a person who keeps the
 * defaults would fill them in; `overrides` win.
 */
export function formValues(
  template: any,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const pages = [template.spec?.parameters ?? []].flat();
  return Object.assign({}, ...pages.map(valuesOf), overrides);
}
