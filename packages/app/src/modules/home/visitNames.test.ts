import { visitNameOf } from './visitNames';

describe('visitNameOf', () => {
  it('names pages in words, entities and golden paths by their names', () => {
    expect(
      [
        '/',
        '/dx',
        '/slo',
        '/golden-paths',
        '/catalog',
        '/catalog/default/component/orders-api',
        '/catalog/default/component/orders-api/dx',
        '/create',
        '/create/templates/default/typescript-service',
        '/create/tasks/5b1c',
        '/some-plugin',
      ].map(visitNameOf),
    ).toEqual([
      'Home',
      'Developer experience',
      'SLOs and platform health',
      'Golden paths: runs and gates',
      'Catalog',
      'orders-api',
      'orders-api',
      'Create (golden paths)',
      'Create: typescript service',
      'Golden-path task',
      'some plugin',
    ]);
  });
});
