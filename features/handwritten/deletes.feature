# Hand-written: not in the dataflow document (Talk never deletes in a connected system; see
# shared/SYNC-SEMANTICS.md "Deletes"). `talkqa features check` never touches this file.

@handwritten @flow-contact-to-contacts @delete
Feature: A delete on one side leaves the partner record untouched
  Sesam Talk does not delete data in connected systems. A record deleted on one side keeps its
  partner, the link is marked, and the deleted record is not re-created.

  @story-delete-in-salesforce
  Scenario: A Salesforce Contact deleted in Salesforce leaves its Crmoffice record untouched
    Given a Salesforce Contact linked to a Crmoffice Contacts record
    When the Salesforce Contact is deleted
    And the sync engine runs a cycle
    Then the linked Crmoffice Contacts record still exists, unchanged
    And the record deleted in Salesforce stays deleted

  @story-delete-in-salesforce
  Scenario: A Salesforce Contact deleted in Salesforce is not re-created
    Given a Salesforce Contact linked to a Crmoffice Contacts record
    When the Salesforce Contact is deleted
    And the sync engine runs a cycle
    And the sync engine runs another cycle
    Then the cycle created no record in either system

  @story-delete-in-crmoffice
  Scenario: A Crmoffice Contacts record deleted in Crmoffice leaves its Salesforce Contact untouched
    Given a Salesforce Contact linked to a Crmoffice Contacts record
    When the linked Crmoffice Contacts record is deleted
    And the sync engine runs a cycle
    Then the Salesforce Contact still exists, unchanged
    And the record deleted in Crmoffice stays deleted

  @story-delete-in-crmoffice
  Scenario: A Crmoffice Contacts record deleted in Crmoffice is not re-created
    Given a Salesforce Contact linked to a Crmoffice Contacts record
    When the linked Crmoffice Contacts record is deleted
    And the sync engine runs a cycle
    And the sync engine runs another cycle
    Then the cycle created no record in either system
