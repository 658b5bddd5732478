/**
 * The link-preview image (Open Graph / Twitter card, 1200×630 PNG) drawn with Next's
 * ImageResponse (satori + resvg). Words carry every status; colour only reinforces them.
 */
import { ImageResponse } from 'next/og';
import type { Tone } from '@/lib/report/status';
import { translatorFor } from '@/lib/i18n/translator';
import { PREVIEW_SIZE, type PreviewModel } from './preview-model';


const TONE: Record<Tone, { bg: string; fg: string }> = {
  good: { bg: '#d1fae5', fg: '#065f46' },
  note: { bg: '#e0f2fe', fg: '#075985' },
  warn: { bg: '#fef3c7', fg: '#92400e' },
  bad: { bg: '#fee2e2', fg: '#991b1b' },
  muted: { bg: '#f4f4f5', fg: '#3f3f46' },
};

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function renderPreview(m: PreviewModel, headers: Record<string, string>): ImageResponse {
  const t = translatorFor(m.locale);
  return new ImageResponse(
    (
      <div style={{ width: '100%', height: '100%', display: 'flex', flexDirection: 'column', background: '#ffffff', padding: 56, fontSize: 28, color: '#18181b' }}>
        <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
          <div style={{ display: 'flex', fontSize: 30, color: '#52525b' }}>{t('og.kicker')}</div>
          {m.checkedAt ? <div style={{ display: 'flex', fontSize: 26, color: '#52525b' }}>{m.checkedAt}</div> : null}
        </div>
        <div style={{ display: 'flex', fontSize: 68, fontWeight: 700, marginTop: 8 }}>{short(m.domain, 34)}</div>
        <div style={{ display: 'flex', marginTop: 18 }}>
          {m.verdict ? (
            <div style={{ display: 'flex', padding: '8px 24px', borderRadius: 999, fontSize: 36, background: TONE[m.verdict.tone].bg, color: TONE[m.verdict.tone].fg }}>
              {m.verdict.label}
            </div>
          ) : (
            <div style={{ display: 'flex', fontSize: 36, color: '#52525b' }}>{m.note ?? ''}</div>
          )}
        </div>
        <div style={{ display: 'flex', flexDirection: 'column', marginTop: 32 }}>
          {m.rows.length > 0 ? (
            <div style={{ display: 'flex', fontSize: 24, color: '#52525b', marginBottom: 6 }}>
              <div style={{ display: 'flex', width: 440 }}>{t('og.hostAddress')}</div>
              {[25, 465, 587, 2525].map((p) => (
                <div key={p} style={{ display: 'flex', width: 170 }}>{t('og.port', { port: p })}</div>
              ))}
            </div>
          ) : null}
          {m.rows.map((r) => (
            <div key={`${r.host}|${r.address}`} style={{ display: 'flex', alignItems: 'center', marginTop: 8 }}>
              <div style={{ display: 'flex', flexDirection: 'column', width: 440, fontSize: 24 }}>
                <div style={{ display: 'flex' }}>{short(r.host, 30)}</div>
                <div style={{ display: 'flex', fontSize: 20, color: '#52525b' }}>{short(r.address, 38)}</div>
              </div>
              {r.ports.map((p) => (
                <div key={p.port} style={{ display: 'flex', width: 170 }}>
                  <div style={{ display: 'flex', padding: '4px 12px', borderRadius: 8, fontSize: 22, background: TONE[p.tone].bg, color: TONE[p.tone].fg }}>{p.label}</div>
                </div>
              ))}
            </div>
          ))}
          {m.moreRows > 0 ? (
            <div style={{ display: 'flex', marginTop: 10, fontSize: 22, color: '#52525b' }}>{t('og.more', { count: m.moreRows })}</div>
          ) : null}
        </div>
      </div>
    ),
    { ...PREVIEW_SIZE, headers },
  );
}
