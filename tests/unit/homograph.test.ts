import { describe, expect, it } from 'vitest';
import { domainToASCII } from 'node:url';
import { displayDomainName, mixesScripts } from '@/lib/probe/homograph';

const t = (unicode: string) => ({ domain: domainToASCII(unicode), displayDomain: unicode });

describe('homograph warning (UTS #39 highly restrictive)', () => {
  it('flags a label mixing Latin and Cyrillic, and shows the punycode beside it', () => {
    const paypal = 'p\u0430ypal.example'; // Cyrillic а
    expect(mixesScripts(paypal)).toBe(true);
    expect(displayDomainName(t(paypal))).toBe(`${paypal} (${domainToASCII(paypal)})`);
    expect(displayDomainName(t(paypal))).toContain('xn--');
  });

  it('leaves single-script and allowed CJK combinations alone', () => {
    for (const name of ['bücher.example', 'пример.испытание', '例え.テスト', 'abc日本語ひらがな.jp', 'münchen-2.example']) {
      expect(mixesScripts(name)).toBe(false);
      expect(displayDomainName(t(name))).toBe(name);
    }
  });

  it('leaves ASCII names alone', () => {
    expect(displayDomainName({ domain: 'example.com', displayDomain: 'example.com' })).toBe('example.com');
  });
});
