// Allure 3 configuration for the talkqa sign-off report (`make qa` renders it).
// Results come from allure-pytest-bdd in reports/allure-results; history accumulates in
// reports/history.jsonl across runs on the same machine, so trends show run over run.
import { defineConfig } from "allure";

// Node 20 has no Iterator.prototype.toArray (an ES2025 iterator helper, in Node from 22), and
// Allure 3.18's quality gate calls it (@allurereport/core qualityGate.js): without this, every
// validation died with "trsToValidateById.values(...).toArray is not a function" and the
// Quality Gates tab stayed empty. Defined only where missing, so Node 22+ keeps its own.
const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
if (typeof iteratorPrototype.toArray !== "function") {
  Object.defineProperty(iteratorPrototype, "toArray", {
    value() {
      return Array.from(this);
    },
    writable: true,
    configurable: true,
  });
}

// The gate is talkqa's own (`talkqa signoff`: every checklist item of the document ran and
// passed), written as one result tagged talkqa-verdict; this rule shows that verdict in the
// Quality Gates tab. It needs `allure run` (make qa), which validates as results arrive: the
// verdict is the last result written, so the last validation is the one the report keeps.
const talkqaSignoff = {
  rule: "talkqaSignoff",
  message: ({ actual }) => `talkqa sign-off: ${actual}`,
  successMessage: ({ actual }) => `talkqa sign-off: ${actual}`,
  validate: async ({ trs }) => {
    const verdict = trs.find((tr) =>
      tr.labels?.some((label) => label.name === "tag" && label.value === "talkqa-verdict"),
    );
    if (!verdict) {
      return { success: false, actual: "no verdict: talkqa signoff has not run", testResults: [] };
    }
    return {
      success: verdict.status === "passed",
      actual: verdict.error?.message ?? verdict.name,
      testResults: [verdict],
    };
  },
};

export default defineConfig({
  name: "Salesforce to Crmoffice: QA checklist",
  // The report test renders into a temporary folder and must not touch the real history.
  output: process.env.TALKQA_ALLURE_OUTPUT ?? "reports/allure-report",
  historyPath: process.env.TALKQA_ALLURE_HISTORY ?? "reports/history.jsonl",
  historyLimit: 50,
  qualityGate: {
    rules: [{ talkqaSignoff: true }],
    use: [talkqaSignoff],
  },
  plugins: {
    awesome: {
      options: {
        reportName: "Salesforce to Crmoffice: QA checklist",
        singleFile: true,
        reportLanguage: "en",
        groupBy: ["epic", "feature", "story"],
      },
    },
  },
  categories: {
    rules: [
      {
        // A "then" step's assertion about the systems failed: the sync did not do what the
        // dataflow document says. These block sign-off.
        name: "Product defects: the sync differs from the document",
        matchers: { statuses: ["failed"] },
      },
      {
        // Anything else that stopped a scenario (a fake, a credential, the network, a bug in a
        // step): the checklist could not judge the engine.
        name: "Harness or environment errors: not a verdict on the sync",
        matchers: { statuses: ["broken"] },
      },
      {
        name: "Not run, with the reason stated",
        matchers: { statuses: ["skipped"] },
      },
    ],
  },
});
