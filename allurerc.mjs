// Allure 3 configuration for the talkqa sign-off report (`make qa` renders it).
// Results come from allure-pytest-bdd in reports/allure-results; history accumulates in
// reports/history.jsonl across runs on the same machine, so trends show run over run.
import { defineConfig } from "allure";

export default defineConfig({
  name: "Salesforce to Crmoffice: QA checklist",
  // The report test renders into a temporary folder and must not touch the real history.
  output: process.env.TALKQA_ALLURE_OUTPUT ?? "reports/allure-report",
  historyPath: process.env.TALKQA_ALLURE_HISTORY ?? "reports/history.jsonl",
  historyLimit: 50,
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
