import { useCallback, useState } from 'react';
import { messageOf } from '../components/ui/errors';

/** Runs one async action at a time and keeps its error message for the page to show inline. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, error, run };
}
