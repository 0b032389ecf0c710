import { useCallback, useEffect, useRef, useState } from 'react';
import type { GrantView, SubscribeMoment } from '@gantry/shared';
import { platform, type SubscribeDecision } from '../platform';
import { getSubscribeTemplates, recordSubscribeResults } from '../services/notifications';
import { loadClientConfig } from '../store/client-config';

/** The moment's templates, once the platform knows where WeChat is (the simulator, in a browser). */
async function prepare(moment: SubscribeMoment): Promise<GrantView[]> {
  const [, templates] = await Promise.all([loadClientConfig(), getSubscribeTemplates(moment)]);
  return templates;
}

/**
 * Asks a customer for WeChat subscribe-message consent at one of the product's moments
 * (confirming a milestone, paying an invoice, approving a change).
 *
 * Call `askConsent` straight from a tap handler, before the action the tap starts: WeChat only
 * shows the consent dialog for `wx.requestSubscribeMessage` during a user gesture, and an await on
 * the network first can lose that gesture. That is why the hook loads the moment's templates (and
 * the client config the browser's platform needs) when the component mounts, so that the tap goes
 * to WeChat without waiting; it fetches them on the tap only if they are not there yet.
 *
 * Each "accept" is one more one-time grant on the server; refusals change nothing there.
 */
export function useSubscribeConsent(moment: SubscribeMoment) {
  const templates = useRef<GrantView[] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    prepare(moment).then(
      (loaded) => {
        if (live) templates.current = loaded;
      },
      () => undefined, // asked again on the tap
    );
    return () => {
      live = false;
    };
  }, [moment]);

  /** Resolves with WeChat's answer per template; empty when there was nothing to ask. */
  const askConsent = useCallback(async (): Promise<Record<string, SubscribeDecision>> => {
    setBusy(true);
    try {
      const known = templates.current ?? (await prepare(moment));
      const templateIds = known.map((t) => t.templateId);
      if (templateIds.length === 0) return {};
      const results = await platform.requestSubscribeMessage(templateIds);
      await recordSubscribeResults(results);
      return results;
    } finally {
      setBusy(false);
    }
  }, [moment]);

  return { askConsent, busy };
}
