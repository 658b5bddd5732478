/**
 * The copy button without a look of its own (the monitor page's signing secret, the new monitor's
 * link and secret) still lays its icon and word out side by side, as the styled ones do: a bare
 * <button> stacked them on a phone.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CopyButton } from '@/components/ui/copy-button';
import { buttonGhost, buttonSecondary } from '@/components/ui/button-styles';
import { withIntl } from '@/tests/fixtures/intl';

describe('CopyButton', () => {
  it('looks like the other small copy buttons when no class is given', () => {
    const html = renderToString(withIntl(createElement(CopyButton, { value: 'whsec_x', label: 'Copy' })));
    expect(html).toContain(`class="${buttonGhost}"`);
  });

  it('keeps the class it is given', () => {
    const html = renderToString(withIntl(createElement(CopyButton, { value: '/check/x', label: 'Copy link', className: buttonSecondary })));
    expect(html).toContain(`class="${buttonSecondary}"`);
  });
});
