import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('renders the portal sign-in page with the configured providers', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Platform Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
            portal: { signIn: { providers: ['guest'] } },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15_000 }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Platform Portal').length).toBeGreaterThan(0);
  });
});
