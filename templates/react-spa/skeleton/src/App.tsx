import { useEffect, useState } from 'react';

export function App() {
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);

  return (
    <main className="app">
      <h1>${{ values.name }}</h1>
      <p>{DESCRIPTION}</p>
      <p className="muted">Rendered in your browser at {now.toLocaleTimeString()}.</p>
    </main>
  );
}

const DESCRIPTION = ${{ values.description | dump }};
