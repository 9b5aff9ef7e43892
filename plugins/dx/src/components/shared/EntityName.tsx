import { EntityDisplayName } from '@backstage/plugin-catalog-react';

/**
 * An entity (a team by default) by its title or name, with its ref on
 * hover: never the raw `kind:namespace/name` in the text people read.
 */
export function EntityName(props: { entityRef: string; defaultKind?: string }) {
  return (
    <EntityDisplayName
      entityRef={props.entityRef}
      defaultKind={props.defaultKind ?? 'group'}
      hideIcon
    />
  );
}
