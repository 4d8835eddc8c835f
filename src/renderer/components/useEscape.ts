import { useEffect, useEffectEvent } from 'react';

/**
 * Esc calls `onClose` (the latest one: the parent's is a new function at each render), wherever the
 * focus is: a window listener in the capture phase, so the editor's own keys never see it.
 */
export function useEscape(onClose: () => void): void {
  const close = useEffectEvent(() => onClose());
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
