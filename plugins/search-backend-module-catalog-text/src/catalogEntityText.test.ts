import type { Entity } from '@backstage/catalog-model';
import { catalogEntityText } from './catalogEntityText';

const component = (metadata: Partial<Entity['metadata']>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ledger-service', ...metadata },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
});

describe('catalogEntityText', () => {
  it('adds the name when a title hides it, and the tags', () => {
    const doc = catalogEntityText(
      component({
        title: 'Ledger service',
        description: 'Double-entry ledger',
        tags: ['python', 'grpc'],
      }),
    );
    expect(doc.title).toBe('Ledger service');
    expect(doc.text).toBe('Double-entry ledger : ledger-service : python grpc');
    expect(doc).toMatchObject({
      kind: 'Component',
      owner: 'payments-team',
      lifecycle: 'production',
    });
  });

  it('does not repeat the name when there is no title', () => {
    const doc = catalogEntityText(component({ description: 'A ledger' }));
    expect(doc.title).toBe('ledger-service');
    expect(doc.text).toBe('A ledger');
  });

  it('copes with an entity without description or tags', () => {
    expect(catalogEntityText(component({})).text).toBe('');
  });
});
