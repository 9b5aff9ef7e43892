import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogIngestionApiRef } from '../../api';
import { duplicateProblem } from '../../__fixtures__/ingestion';
import { EntityIngestionProblemsCard } from './EntityIngestionProblemsCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: { 'portal.dev/ingestion-repository': 'local-repos/payments' },
  },
};

function renderCard(getProblems: jest.Mock) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityIngestionProblemsCard />
    </EntityProvider>,
    { apis: [[catalogIngestionApiRef, { getProblems }]] },
  );
}

describe('EntityIngestionProblemsCard', () => {
  it("lists the problems of the entity's repository with file and line", async () => {
    const getProblems = jest.fn(async () => [
      duplicateProblem,
      {
        sourceId: 'local-repos',
        message: 'repository has no catalog-info.yaml',
      },
    ]);
    await renderCard(getProblems);

    expect(
      await screen.findByText(duplicateProblem.message),
    ).toBeInTheDocument();
    expect(getProblems).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
    });
    expect(
      screen.getByText('payments: catalog-info.yaml:14'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('repository has no catalog-info.yaml'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Discovered in local-repos/payments'),
    ).toBeInTheDocument();
  });

  it('says when there is no problem', async () => {
    await renderCard(jest.fn(async () => []));
    expect(
      await screen.findByText('No ingestion problems'),
    ).toBeInTheDocument();
  });
});
