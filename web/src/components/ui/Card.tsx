import type { HTMLAttributes, ReactNode } from 'react';

interface CardProps extends HTMLAttributes<HTMLElement> {
  children: ReactNode;
}

/** The surface every dashboard block sits on. */
export function Card({ children, className = '', ...rest }: CardProps) {
  return (
    <section
      {...rest}
      className={`rounded-xl border border-border bg-background shadow-[0_1px_2px_rgba(16,24,40,0.04)] ${className}`}
    >
      {children}
    </section>
  );
}
