# Hand-written: the document names no merge criterion for any flow, so Talk cannot match records
# that existed in both systems before onboarding (docs.sesam.io talk/merging). This is a finding
# of the document, not a defect of the engine. `talkqa features check` never touches this file.

@handwritten @flow-contact-to-contacts @link @document-gap
Feature: Records that exist in both systems before onboarding
  Talk links pre-existing records only through a merge criterion, such as an e-mail both sides
  hold. The document names none, so a contact already in Crmoffice is not matched to its
  Salesforce twin: it is duplicated, by design, and the sign-off lists that as a finding.

  @story-preexisting-duplicate
  Scenario: A contact in both systems before onboarding is duplicated (no merge criterion)
    Given the dataflow document's flow "Salesforce Contact to Crmoffice Contacts"
    And a Salesforce Contact with LastName "Ødegård" created before onboarding
    And a Crmoffice Contacts record with familyName "Ødegård" created before onboarding
    When the sync engine runs a cycle
    Then Crmoffice holds exactly 2 Contacts records with familyName "Ødegård"
    And the document names no merge criterion for this flow
