/**
 * The operator attaches a bank or escrow statement (amount, date, reference); the public page sets it
 * beside the liabilities of the last close.
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { AmountField, Field } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";

export function CustodyStatementForm() {
  const { t } = useI18n();
  const [amount, setAmount] = useState("");
  const [date, setDate] = useState("");
  const [reference, setReference] = useState("");
  const input = { amount: amount.trim(), date: date.trim(), reference: reference.trim() };
  const submit = async (key: string) => {
    await api.recordCustodyStatement(input, key);
    return t("operator.custody.saved");
  };
  return (
    <CommandForm
      title={t("operator.custody.title")}
      input={input}
      submit={submit}
      submitLabel={t("common.submit")}
      testId="custody-submit"
      doneTestId="custody-done"
    >
      <AmountField
        label={t("operator.custody.amount")}
        name="custody-amount"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <Field
        label={t("operator.custody.date")}
        name="custody-date"
        type="date"
        value={date}
        onChange={(e) => setDate(e.target.value)}
      />
      <Field
        label={t("operator.custody.reference")}
        name="custody-reference"
        maxLength={64}
        value={reference}
        onChange={(e) => setReference(e.target.value)}
      />
    </CommandForm>
  );
}
