'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { buttonGhost } from './button-styles';
import { Icon } from './icon';

/**
 * Copies a value to the clipboard and says so (visibly and to screen readers). Without
 * JavaScript the value it sits next to remains selectable text.
 */
export function CopyButton({
  value,
  label,
  // icon and word side by side, like every other copy button (an unstyled <button> stacks them)
  className = buttonGhost,
  /** copy the page's own URL instead of `value` when `value` is a path */
  absolute = false,
}: {
  value: string;
  label: string;
  className?: string;
  absolute?: boolean;
}) {
  const t = useTranslations('actions');
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  async function copy() {
    const text = absolute ? new URL(value, window.location.href).href : value;
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Clipboard API refused (insecure context, permissions): tell the user rather than pretend.
      setState('failed');
    }
  }

  return (
    <button type="button" onClick={copy} className={className}>
      <Icon name={state === 'copied' ? 'check' : 'copy'} className="size-4" />
      <span>{state === 'copied' ? t('copied') : state === 'failed' ? t('copyFailed') : label}</span>
      <span role="status" className="sr-only">
        {state === 'copied' ? t('copiedStatus') : state === 'failed' ? t('copyFailedStatus') : ''}
      </span>
    </button>
  );
}
