// A compact select for a chart's dimension (stack by, break down by), in a chart card's header.
import { breakdownLabel } from '../lib/breakdown';

interface StackPickerProps {
  id: string;
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}

export function StackPicker({ id, label, value, options, onChange }: StackPickerProps) {
  return (
    <label className="flex items-center gap-1 text-xs text-muted">
      <span className="sr-only">{label}</span>
      <select
        data-testid={id}
        aria-label={label}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className="max-w-[9.5rem] rounded-md border border-border bg-background px-1.5 py-1 text-xs text-fg"
      >
        {options.map((option) => (
          <option key={option} value={option}>
            {breakdownLabel(option)}
          </option>
        ))}
      </select>
    </label>
  );
}
