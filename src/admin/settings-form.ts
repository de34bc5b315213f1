// The settings form as plain values: a text or select field left out keeps its
// value, a checkbox follows the browser's rule (absent means off).
import { SETTING_PARSERS, formatSetting, type SettingKey, type Settings } from '../settings/settings.js';
import type { FieldErrors } from '../http/forms.js';

const CHECKBOXES: readonly SettingKey[] = ['comments_open_default', 'mail_held_comments', 'email_sign_in', 'remote_avatars'];
export const SETTING_KEYS = Object.keys(SETTING_PARSERS) as SettingKey[];

export type SettingsForm = Record<SettingKey, string>;

export function formFromSettings(settings: Settings): SettingsForm {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, formatSetting(settings[key])])) as SettingsForm;
}

/** Reads the posted fields over the current settings: what was typed (to show again) and what parses. */
export function readSettingsForm(body: unknown, current: Settings): { form: SettingsForm; values: Partial<Settings>; errors: FieldErrors } {
  const source = (body ?? {}) as Record<string, unknown>;
  const form = formFromSettings(current);
  const values: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const key of SETTING_KEYS) {
    const raw = source[key];
    let typed: string;
    if (CHECKBOXES.includes(key)) typed = raw === undefined ? '0' : '1';
    else if (typeof raw === 'string') typed = raw;
    else if (raw === undefined) continue;
    else {
      errors[key] = 'Give one value.';
      continue;
    }
    form[key] = typed;
    const parsed = SETTING_PARSERS[key](typed);
    if (parsed.ok) values[key] = parsed.value;
    else errors[key] = parsed.error;
  }
  return { form, values: values as Partial<Settings>, errors };
}

/** The keys whose value actually changes, for the audit trail. */
export function changedKeys(before: Settings, after: Partial<Settings>): SettingKey[] {
  return SETTING_KEYS.filter((key) => after[key] !== undefined && after[key] !== before[key]);
}
