'use client';

import { useEffect } from 'react';
import { EMBED_HEIGHT_MESSAGE } from '@/lib/embed/snippets';

/**
 * Tells the embedding page the widget's height whenever it changes, so the iframe grows and
 * shrinks with its content. The height is all it says, and nothing private: it goes to whichever
 * page framed us ('*'), since the widget cannot know its embedder's origin.
 */
export function FrameHeight({ targetId }: { targetId: string }) {
  useEffect(() => {
    if (window.parent === window) return;
    const el = document.getElementById(targetId);
    if (!el) return;
    let last = -1;
    const send = () => {
      const height = Math.ceil(el.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: EMBED_HEIGHT_MESSAGE, height }, '*');
    };
    const observer = new ResizeObserver(send);
    observer.observe(el);
    send();
    return () => observer.disconnect();
  }, [targetId]);
  return null;
}
