/** A fieldset of checkboxes choosing a subset of `options`, in the options' order. */
export function CheckboxGroup<T extends string>({
  legend,
  options,
  chosen,
  onChange,
  labelOf = (option) => option,
  disabled = false,
  hidden = false,
}: {
  legend: string;
  options: readonly T[];
  chosen: readonly T[];
  onChange(chosen: T[]): void;
  labelOf?: (option: T) => string;
  disabled?: boolean;
  hidden?: boolean;
}) {
  return (
    <fieldset hidden={hidden}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option}>
          <input
            type="checkbox"
            checked={chosen.includes(option)}
            disabled={disabled}
            onChange={(event) => onChange(options.filter((o) => (o === option ? event.target.checked : chosen.includes(o))))}
          />{' '}
          {labelOf(option)}
        </label>
      ))}
    </fieldset>
  );
}
