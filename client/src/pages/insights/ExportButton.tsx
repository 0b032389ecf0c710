import { useState } from 'react';
import { Button } from '../../components/ui';
import { messageOf } from '../../components/ui/errors';
import { platform } from '../../platform';
import { openExport, type ExportQuery, type InsightsExport } from '../../services/insights';

/** Downloads the table as .xlsx with the page's filters; WeChat opens it, a browser saves it. */
export function ExportButton({ id, kind, query }: { id: string; kind: InsightsExport; query: ExportQuery }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await openExport(kind, query);
    } catch (caught) {
      platform.toast(messageOf(caught), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      id={id}
      size="small"
      type="primary"
      fill="outline"
      loading={busy}
      disabled={busy}
      onClick={() => void run()}
    >
      导出 Excel
    </Button>
  );
}
