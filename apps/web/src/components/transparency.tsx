/**
 * The public page's queue meter and proof of liabilities: figures the engine computed from the live
 * ledger, drawn as plain SVG bars (no inline script or style, so the page keeps a strict CSP), with
 * wording that states facts and promises nothing.
 */
import type { ReactNode } from "react";
import { useSession } from "../lib/session.js";
import { useI18n } from "../i18n/index.js";
import type { PublicView } from "../lib/api.js";
import { formatDateTime, formatMoney, formatNumber, formatPoints } from "../lib/format.js";
import { Card, Stat } from "./ui.js";

interface Bar {
  label: string;
  value: number;
  text: string;
  tone: "brand" | "accent" | "muted";
}

/** Horizontal bars scaled to the largest value; the exact figure is written beside each bar. */
export function Bars({ bars, title, testId }: { bars: Bar[]; title: string; testId?: string }) {
  const max = Math.max(...bars.map((b) => b.value), 1);
  return (
    <figure className="bars" data-testid={testId}>
      <figcaption className="muted small">{title}</figcaption>
      {bars.map((bar) => (
        <div className="bars-row" key={bar.label}>
          <div className="bars-label">{bar.label}</div>
          <svg className="bars-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect x="0" y="0" width="100" height="10" className="bars-bg" />
            <rect
              x="0"
              y="0"
              width={Math.max((bar.value / max) * 100, bar.value > 0 ? 0.5 : 0)}
              height="10"
              className={`bars-fill bars-${bar.tone}`}
            />
          </svg>
          <div className="bars-value num">{bar.text}</div>
        </div>
      ))}
    </figure>
  );
}

export function QueueMeterCard({ queue }: { queue: PublicView["queue"] }) {
  const { t, locale } = useI18n();
  const share = queue.positions === 0 ? 0 : queue.exited / queue.positions;
  const percent = `${formatNumber(String(Math.floor(share * 1000) / 10), locale, 1)}%`;
  return (
    <Card title={t("public.queue.title")} id="queue">
      <p className="muted small">{t("public.queue.intro")}</p>
      <div className="stats">
        <Stat
          label={t("public.queue.cashToExit")}
          value={formatMoney(queue.cashToExit, locale)}
          testId="queue-cash-to-exit"
        />
        <Stat label={t("public.queue.pool")} value={formatMoney(queue.pool, locale)} />
        <Stat
          label={t("public.queue.inflow", { days: queue.inflow.days })}
          value={formatMoney(queue.inflow.amount, locale)}
        />
        <Stat
          label={t("public.queue.exited")}
          value={percent}
          hint={t("public.queue.exitedOf", { exited: queue.exited, positions: queue.positions })}
          testId="queue-exited-share"
        />
      </div>
      <Bars
        title={t("public.queue.chart")}
        testId="queue-chart"
        bars={[
          {
            label: t("public.queue.pool"),
            value: Number(queue.pool),
            text: formatMoney(queue.pool, locale),
            tone: "brand",
          },
          {
            label: t("public.queue.cashToExit"),
            value: Number(queue.cashToExit),
            text: formatMoney(queue.cashToExit, locale),
            tone: "accent",
          },
        ]}
      />
      <p data-testid="queue-days">
        {queue.daysAtInflow === null
          ? t("public.queue.noInflow")
          : t("public.queue.days", { days: queue.inflow.days, n: formatNumber(queue.daysAtInflow, locale) })}
      </p>
      <p className="muted small">{t("public.queue.note")}</p>
      <Bars
        title={t("public.queue.waiting", { n: queue.open })}
        testId="queue-ages"
        bars={queue.waitingOver.map((w) => ({
          label: t("public.queue.waitingOver", { days: w.days }),
          value: w.positions,
          text: String(w.positions),
          tone: "muted" as const,
        }))}
      />
    </Card>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <td>{label}</td>
      <td className="num">{children}</td>
    </tr>
  );
}

export function LiabilitiesCard({ liabilities }: { liabilities: PublicView["liabilities"] }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const [latest, ...earlier] = liabilities.roots;
  const custody = liabilities.custody;
  return (
    <Card title={t("public.liabilities.title")} id="liabilities">
      <p className="muted small">{t("public.liabilities.intro")}</p>
      {latest === undefined ? (
        <p>{t("public.liabilities.none")}</p>
      ) : (
        <>
          <h3>
            {t("public.liabilities.day", { day: latest.day })}
            <span className="muted small"> · {formatDateTime(latest.closedAt, locale, timeZone)}</span>
          </h3>
          <p className="hash" data-testid="liability-root">
            {latest.root}
          </p>
          <div className="stats">
            <Stat label={t("public.liabilities.cash")} value={formatMoney(latest.cash, locale)} />
            <Stat label={t("public.liabilities.points")} value={formatPoints(latest.points, locale, 2)} />
            <Stat label={t("public.liabilities.members")} value={String(latest.members)} />
          </div>
        </>
      )}
      <h3>{t("public.custody.title")}</h3>
      {custody === null ? (
        <p className="muted">{t("public.custody.none")}</p>
      ) : (
        <>
          <Bars
            title={t("public.custody.title")}
            testId="custody-chart"
            bars={[
              {
                label: t("public.custody.amount"),
                value: Number(custody.amount),
                text: formatMoney(custody.amount, locale),
                tone: "brand",
              },
              ...(latest === undefined
                ? []
                : [
                    {
                      label: t("public.custody.liabilities"),
                      value: Number(latest.cash),
                      text: formatMoney(latest.cash, locale),
                      tone: "accent" as const,
                    },
                  ]),
            ]}
          />
          <table className="table">
            <tbody>
              <Row label={t("public.custody.date")}>{custody.date}</Row>
              <Row label={t("public.custody.reference")}>{custody.reference}</Row>
            </tbody>
          </table>
          <p className="muted small">{t("public.custody.note")}</p>
        </>
      )}
      {earlier.length === 0 ? null : (
        <>
          <h3>{t("public.liabilities.history")}</h3>
          <table className="table small" data-testid="liability-history">
            <tbody>
              {earlier.map((root) => (
                <tr key={root.day}>
                  <td>{t("public.liabilities.day", { day: root.day })}</td>
                  <td className="hash">{root.root.slice(0, 16)}…</td>
                  <td className="num">{formatMoney(root.cash, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}
