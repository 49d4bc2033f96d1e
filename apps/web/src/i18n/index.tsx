/**
 * Language state and translation: zh-CN by default, English on request (remembered in
 * localStorage). `t(key, vars)` fills {placeholders}; `errorText` turns an API error into a sentence.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { ApiError } from "../lib/api.js";
import type { Locale } from "../lib/format.js";
import { en } from "./en.js";
import { errorSentence } from "./rejections.js";
import { zhCN, type MessageKey } from "./zh-CN.js";

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = "zengzhi.lang";
const dictionaries: Record<Locale, Record<MessageKey, string>> = { "zh-CN": zhCN, en };

/** True for a key both dictionaries have (for keys built at run time, e.g. `rule.${path}`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[locale][key];
  if (vars === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * The name of a request field for people: "rules.exitMultiple" → the rule's label, "query.tenant" or
 * "tenant" → field.tenant, a nested path by its last part; the path itself only when nothing matches.
 */
export function fieldLabel(locale: Locale, field: string): string {
  const path = field.replace(/^(query|path|body)\./, "");
  const rule = `rule.${path.replace(/^rules\./, "")}`;
  const whole = `field.${path}`;
  const last = `field.${path.split(".").pop() ?? ""}`;
  for (const key of [path.startsWith("rules.") || path.startsWith("split.") ? rule : "", whole, last]) {
    if (isMessageKey(key)) return translate(locale, key);
  }
  return path;
}

/**
 * One sentence for an error in the reader's language: the translated code and the field it names.
 * The server's own reason (English, for logs and API clients) is shown only for a code the client
 * has no sentence for.
 */
export function errorMessage(locale: Locale, error: unknown): string {
  if (error instanceof ApiError) {
    // A refused rule set carries the engine's own code (split_not_one, multi_level_reward, …).
    const ruleCode = (error.body as { error?: { ruleCode?: unknown } } | null)?.error?.ruleCode;
    const sentence =
      (typeof ruleCode === "string" ? errorSentence(ruleCode) : undefined) ?? errorSentence(error.code);
    const known = sentence?.[locale];
    if (known === undefined) {
      const base = translate(locale, "error.unknown", { code: error.code });
      return error.reason === "" ? base : `${base} ${error.reason}`;
    }
    return error.field === undefined
      ? known
      : translate(locale, "error.inField", { message: known, field: fieldLabel(locale, error.field) });
  }
  return translate(locale, "error.unknown", { code: error instanceof Error ? error.message : String(error) });
}

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  errorText: (error: unknown) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "zh-CN") return saved;
  } catch {
    // Storage can be unavailable (private mode); the default applies.
  }
  return "zh-CN";
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const first = initialLocale();
    document.documentElement.lang = first;
    return first;
  });
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; the choice still applies to this visit.
    }
  }, []);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      errorText: (error) => errorMessage(locale, error),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (context === null) throw new Error("useI18n outside I18nProvider");
  return context;
}

/** The translated name of a cash account ("pool", "wallets", …); the key itself when unknown. */
export function accountLabel(t: Translate, key: string): string {
  const full = `account.${key}`;
  return full in zhCN ? t(full as MessageKey) : key;
}
