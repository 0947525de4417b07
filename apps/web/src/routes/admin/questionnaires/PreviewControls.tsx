import type { RendererMode } from '../../../forms/FormRenderer';

const MODES: { value: RendererMode; label: string }[] = [
  { value: 'auto', label: 'Fit the screen' },
  { value: 'full', label: 'Whole form' },
  { value: 'paged', label: 'One question at a time (phone)' },
];

/** How a preview is shown (as on this screen, whole form, phone) and a reset: shared by the builder and the version preview. */
export function PreviewControls({
  mode,
  onModeChange,
  resetLabel,
  onReset,
}: {
  mode: RendererMode;
  onModeChange: (mode: RendererMode) => void;
  resetLabel: string;
  onReset: () => void;
}) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="preview-mode" className="label">
          Show
        </label>
        <select
          id="preview-mode"
          className="input"
          value={mode}
          onChange={(e) => onModeChange(e.target.value as RendererMode)}
        >
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="btn-secondary" onClick={onReset}>
        {resetLabel}
      </button>
    </div>
  );
}
