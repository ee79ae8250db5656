# Hand-written: the document lists two flows into Crmoffice Contacts (from Salesforce Customer
# and from Salesforce Contact) but does not say how they share the type. `talkqa features check`
# never touches this file.

@handwritten @link
Feature: Two Salesforce objects land in the same Crmoffice type without collision
  Salesforce Customer and Salesforce Contact both sync to Crmoffice Contacts. Each source record
  gets its own Crmoffice record; their ids are namespaced, so one never overwrites the other.

  @flow-customer-to-contacts @flow-contact-to-contacts @critical @story-shared-target-type
  Scenario: A Salesforce Customer and a Salesforce Contact become two Crmoffice Contacts records
    Given a Salesforce Customer
    And a Salesforce Contact
    When the sync engine runs a cycle
    Then Crmoffice holds exactly 2 Contacts records
    And Crmoffice holds exactly one Contacts record linked to the Salesforce Customer
    And Crmoffice holds exactly one Contacts record linked to the Salesforce Contact

  @flow-customer-to-contacts @flow-contact-to-contacts @story-shared-target-type
  Scenario: Re-running with both objects in the same type creates no duplicate
    Given a Salesforce Customer linked to a Crmoffice Contacts record
    And a Salesforce Contact linked to a Crmoffice Contacts record
    When the sync engine runs a cycle
    Then the cycle created no record in either system
    And Crmoffice holds exactly 2 Contacts records
