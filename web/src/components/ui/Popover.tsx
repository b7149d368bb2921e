import { AnimatePresence, motion } from 'motion/react';
import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useDismiss } from './useDismiss';

interface PopoverProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: ReactNode;
  children: ReactNode;
  align?: 'left' | 'right';
  width?: string;
}

/** A trigger button's dropdown panel; closes on outside click and Escape. */
export function Popover({ open, onOpenChange, trigger, children, align = 'left', width = 'w-64' }: PopoverProps) {
  const ref = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const close = useCallback(() => onOpenChange(false), [onOpenChange]);
  useDismiss(ref, open, close);
  // Flip to the other side when the panel would leave the viewport.
  const [side, setSide] = useState(align);
  useLayoutEffect(() => {
    if (!open || !ref.current) return;
    const trigger = ref.current.getBoundingClientRect();
    const width = panelRef.current?.offsetWidth ?? 256;
    if (align === 'left' && trigger.left + width > window.innerWidth - 8) setSide('right');
    else if (align === 'right' && trigger.right - width < 8) setSide('left');
    else setSide(align);
  }, [open, align]);
  return (
    <div ref={ref} className="relative">
      {trigger}
      <AnimatePresence>
        {open && (
          <motion.div
            ref={panelRef}
            initial={{ opacity: 0, y: -4 }}
            animate={{ opacity: 1, y: 0 }}
            exit={{ opacity: 0, y: -4 }}
            transition={{ duration: 0.12 }}
            className={`absolute top-full z-30 mt-1 ${side === 'right' ? 'right-0' : 'left-0'} ${width} rounded-xl border border-border bg-background p-2 shadow-xl`}
          >
            {children}
          </motion.div>
        )}
      </AnimatePresence>
    </div>
  );
}
