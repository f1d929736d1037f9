import { describe, expect, it } from 'vitest';
import { addProperty, changeProperty, parseEnumText, propertyRows, removeProperty, renameProperty } from './parameterModel';

const weather = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name', minLength: 1 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' },
    days: { type: 'integer' },
    filters: { type: 'array', items: { type: 'string' } },
  },
  required: ['city'],
  additionalProperties: false,
};

describe('parameterModel', () => {
  it('reads simple properties into rows and marks complex ones', () => {
    const rows = propertyRows(weather);
    expect(rows.map((row) => [row.name, row.type, row.required])).toEqual([
      ['city', 'string', true],
      ['unit', 'string', false],
      ['days', 'integer', false],
      ['filters', null, false],
    ]);
    expect(rows[1]).toMatchObject({ enumText: 'celsius, fahrenheit', defaultText: 'celsius' });
  });

  it('keeps keys the form does not know', () => {
    const next = changeProperty(weather, 'city', { field: 'description', value: 'Town' });
    expect(next['properties']).toMatchObject({ city: { type: 'string', description: 'Town', minLength: 1 } });
    expect(next['additionalProperties']).toBe(false);
  });

  it('toggles required and drops an empty required list', () => {
    const next = changeProperty(weather, 'city', { field: 'required', value: false });
    expect(next).not.toHaveProperty('required');
    expect(changeProperty(next, 'days', { field: 'required', value: true })['required']).toEqual(['days']);
  });

  it('parses enum and default by type and refuses values that do not fit', () => {
    expect(parseEnumText('1, 2,3', 'integer')).toEqual([1, 2, 3]);
    expect(parseEnumText('1, x', 'number')).toBeUndefined();
    const withDefault = changeProperty(weather, 'days', { field: 'defaultText', value: '3' });
    expect(withDefault['properties']).toMatchObject({ days: { default: 3 } });
    expect(changeProperty(weather, 'days', { field: 'defaultText', value: '3.5' })).toBe(weather);
  });

  it('drops enum values and defaults that no longer fit a new type', () => {
    const next = changeProperty(weather, 'unit', { field: 'type', value: 'number' });
    expect(next['properties']).toMatchObject({ unit: { type: 'number' } });
    expect((next['properties'] as Record<string, object>)['unit']).not.toHaveProperty('enum');
  });

  it('renames in place, also in required, and refuses taken names', () => {
    const next = renameProperty(weather, 'city', 'town');
    expect(Object.keys(next['properties'] as object)).toEqual(['town', 'unit', 'days', 'filters']);
    expect(next['required']).toEqual(['town']);
    expect(renameProperty(weather, 'city', 'unit')).toBe(weather);
  });

  it('adds under a free name and removes everywhere', () => {
    const first = addProperty(weather, 'city');
    expect(first.name).toBe('city_2');
    expect(removeProperty(weather, 'city')).not.toHaveProperty('required');
    expect(addProperty({}, 'x').parameters).toEqual({ type: 'object', properties: { x: { type: 'string' } } });
  });
});
