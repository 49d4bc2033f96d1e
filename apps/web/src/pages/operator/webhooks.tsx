/**
 * Webhooks: register an endpoint for some events (its signing secret is shown once), remove one,
 * and the delivery log with attempts, the receiver's last status, the next retry and redelivery.
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { DataTable } from "../../components/table.js";
import { createdAtColumn, rowActionColumn } from "../../components/table-columns.js";
import { ActionButton, Card, ErrorBox, Field, Loading, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import {
  api,
  type CreatedWebhook,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookList,
} from "../../lib/api.js";
import { formatDateTime } from "../../lib/format.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

const EVENTS: readonly WebhookEvent[] = [
  "order.paid",
  "points.issued",
  "position.exited",
  "withdrawal.requested",
  "withdrawal.approved",
  "withdrawal.paid",
  "withdrawal.failed",
  "rules.changed",
  "scheme.paused",
];

type Endpoint = WebhookList["items"][number];

function Endpoints({ manage, onChange }: { manage: boolean; onChange: () => void }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const list = useData(() => api.webhooks());
  const [url, setUrl] = useState("https://");
  const [events, setEvents] = useState<WebhookEvent[]>([...EVENTS]);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [error, setError] = useState<unknown>(null);
  const toggle = (event: WebhookEvent) =>
    setEvents(events.includes(event) ? events.filter((e) => e !== event) : [...events, event]);
  const remove = async (row: Endpoint, key: string) => {
    if (!window.confirm(t("webhooks.removeConfirm", { url: row.url }))) return;
    await api.removeWebhook(row.id, key);
    list.reload();
    onChange();
  };
  return (
    <>
      <Card title={t("webhooks.title")}>
        <p className="muted small">{t("webhooks.hint")}</p>
        <ErrorBox error={error ?? list.error} />
        {list.data === undefined ? (
          <Loading />
        ) : (
          <DataTable<Endpoint>
            name="webhooks"
            rows={list.data.items}
            rowKey={(row) => row.id}
            columns={[
              {
                key: "url",
                label: t("webhooks.url"),
                render: (row) => <code className="hash">{row.url}</code>,
              },
              {
                key: "events",
                label: t("webhooks.events"),
                render: (row) => row.events.map((e) => t(`event.${e}` as "event.order.paid")).join("、"),
              },
              createdAtColumn(t("common.date"), { locale, timeZone }),
              rowActionColumn({ manage, text: t("webhooks.remove"), action: remove, onError: setError }),
            ]}
          />
        )}
      </Card>
      {manage ? (
        <CommandForm
          title={t("webhooks.add")}
          input={{ url, events }}
          submit={async (key) => {
            setCreated(await api.createWebhook(url.trim(), events, key));
            list.reload();
          }}
          submitLabel={t("common.submit")}
          testId="webhook-submit"
          result={
            created === null ? null : (
              <Notice tone="ok">
                <div data-testid="webhook-secret">
                  {t("webhooks.secretOnce")}
                  <br />
                  <code className="hash">{created.secret}</code>
                </div>
              </Notice>
            )
          }
        >
          <Field
            label={t("webhooks.url")}
            name="webhook-url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <div className="field">
            <span className="field-label">{t("webhooks.events")}</span>
            {EVENTS.map((event) => (
              <label key={event} className="row small field-check">
                <input type="checkbox" checked={events.includes(event)} onChange={() => toggle(event)} />
                {t(`event.${event}` as "event.order.paid")}
              </label>
            ))}
          </div>
        </CommandForm>
      ) : null}
    </>
  );
}

function DeliveryLog({ manage, version }: { manage: boolean; version: number }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const log = useData(() => api.webhookDeliveries(), [version]);
  const [error, setError] = useState<unknown>(null);
  const when = (iso: string | null) => (iso === null ? "—" : formatDateTime(iso, locale, timeZone));
  return (
    <Card title={t("webhooks.log")}>
      <ErrorBox error={error ?? log.error} />
      {log.data === undefined ? (
        <Loading />
      ) : (
        <DataTable<WebhookDelivery>
          name="webhook-deliveries"
          rows={log.data.items}
          rowKey={(row) => row.id}
          columns={[
            { key: "createdAt", label: t("common.date"), render: (row) => when(row.createdAt) },
            {
              key: "event",
              label: t("webhooks.event"),
              render: (row) => t(`event.${row.event}` as "event.order.paid"),
            },
            {
              key: "status",
              label: t("common.status"),
              render: (row) => t(`delivery.${row.status}` as "delivery.pending"),
            },
            { key: "attempts", label: t("webhooks.attempts"), numeric: true },
            {
              key: "lastStatusCode",
              label: t("webhooks.lastStatus"),
              numeric: true,
              render: (row) => (row.lastStatusCode === null ? "—" : String(row.lastStatusCode)),
            },
            {
              key: "nextAttemptAt",
              label: t("webhooks.nextAttempt"),
              render: (row) => when(row.nextAttemptAt),
            },
            {
              key: "actions",
              label: "",
              csv: () => "",
              render: (row) =>
                manage ? (
                  <ActionButton
                    className="btn btn-small"
                    action={async (key) => {
                      await api.redeliverWebhook(row.id, key);
                      log.reload();
                    }}
                    onError={setError}
                    data-testid={`redeliver-${row.id}`}
                  >
                    {t("webhooks.redeliver")}
                  </ActionButton>
                ) : null,
            },
          ]}
        />
      )}
    </Card>
  );
}

export function WebhooksSection({ manage }: { manage: boolean }) {
  const [version, setVersion] = useState(0);
  return (
    <>
      <Endpoints manage={manage} onChange={() => setVersion(version + 1)} />
      <DeliveryLog manage={manage} version={version} />
    </>
  );
}
