/**
 * The member's positions: points, what they are worth at the current price, how close each is to
 * its forced exit (the server gives the exit price), and the release schedule when release is on.
 */
import { useState } from "react";
import { StatementTable } from "../../components/statement-table.js";
import { Card, ErrorBox, Loading, Progress, RiskNotice, Tabs } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Position } from "../../lib/api.js";
import {
  formatMoney,
  formatNumber,
  formatPoints,
  formatPrice,
  formatRatio,
  progressFraction,
} from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useData } from "../../lib/use-data.js";

type Filter = "open" | "exited" | "closed";

export function PositionsPage() {
  const { t, locale } = useI18n();
  const [filter, setFilter] = useState<Filter>("open");
  const me = useData(() => api.me());
  const list = useData(() => api.positions(filter), [filter]);
  const rules = useData(() => api.rules());
  const multiple = String(rules.data?.current.rules.exitMultiple ?? "");
  return (
    <div className="page">
      <h1>{t("positions.title")}</h1>
      <Tabs<Filter>
        value={filter}
        onChange={setFilter}
        options={[
          { value: "open", label: t("positions.status.open") },
          { value: "exited", label: t("positions.status.exited") },
          { value: "closed", label: t("positions.status.closed") },
        ]}
      />
      <ErrorBox error={list.error} />
      {list.data === undefined ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <p className="muted">{t("positions.empty")}</p>
      ) : (
        <div className="list">
          {list.data.items.map((position) => (
            <PositionCard key={position.id} position={position} price={me.data?.price ?? null} />
          ))}
        </div>
      )}
      {multiple === "" ? null : (
        <p className="muted small">
          {t("positions.exitExplain", { multiple: formatNumber(multiple, locale) })}
        </p>
      )}
      <ReleaseSchedule />
      <Card title={t("statement.points")}>
        <StatementTable account="points" load={api.myStatement} name="points-statement" />
      </Card>
      <RiskNotice />
    </div>
  );
}

export function PositionCard({ position, price }: { position: Position; price: string | null }) {
  const { t, locale } = useI18n();
  const open = position.status === "open";
  return (
    <Link to={`/positions/${position.id}`} className="position" data-testid={`position-${position.id}`}>
      <div className="position-head">
        <span className="position-id">#{position.id}</span>
        <span className={`badge badge-${position.status}`}>{t(`positions.status.${position.status}`)}</span>
        {position.tipped ? <span className="badge">{t("positions.tipped")}</span> : null}
      </div>
      <div className="position-grid">
        <div>
          <div className="stat-label">{t("positions.points")}</div>
          <div className="position-points" data-testid="position-points">
            {formatPoints(position.points, locale, 2)}
          </div>
        </div>
        <div>
          <div className="stat-label">{t("positions.value")}</div>
          <div>{formatMoney(position.value, locale)}</div>
        </div>
        <div>
          <div className="stat-label">{t("positions.spend")}</div>
          <div>{formatMoney(position.spend, locale)}</div>
        </div>
        <div>
          <div className="stat-label">{t("positions.soldGross")}</div>
          <div>{formatMoney(position.soldGross, locale)}</div>
        </div>
      </div>
      {position.locked !== "0" && !/^0(\.0+)?$/.test(position.locked) ? (
        <div className="small muted">
          {t("positions.locked")} {formatPoints(position.locked, locale, 2)} · {t("positions.unlocked")}{" "}
          {formatPoints(position.unlocked, locale, 2)}
        </div>
      ) : null}
      {open && position.exitThreshold !== null && price !== null ? (
        <div className="exit">
          <div className="small">
            {t("common.labelled", {
              label: t("positions.exitProgress"),
              value: `${formatPrice(price, locale)} / ${formatPrice(position.exitThreshold, locale)}`,
            })}
          </div>
          <Progress
            fraction={progressFraction(price, position.exitThreshold)}
            label={t("positions.exitProgress")}
          />
        </div>
      ) : null}
    </Link>
  );
}

export function ReleaseSchedule() {
  const { t, locale } = useI18n();
  const release = useData(() => api.release());
  if (release.error) return null;
  if (release.data === undefined) return null;
  const data = release.data;
  return (
    <Card title={t("positions.release")}>
      {data.releaseRate === null ? (
        <p className="muted">{t("positions.releaseOff")}</p>
      ) : (
        <>
          <p data-testid="release-rate">
            {t("positions.releaseRate", { rate: formatRatio(data.releaseRate, locale) })}
          </p>
          {data.projection.length === 0 ? null : (
            <>
              <p className="small">{t("positions.releaseDays")}</p>
              <ul className="small">
                {data.projection.map((step) => (
                  <li data-testid="release-step" key={step.day}>
                    {t("positions.releaseIn", {
                      day: step.day,
                      points: formatPoints(step.locked, locale, 2),
                    })}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Card>
  );
}
