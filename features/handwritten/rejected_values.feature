# Hand-written: the document says nothing about values one system accepts and the other rejects
# (Salesforce Contact FirstName holds 40 characters, Crmoffice givenName 100). See
# shared/SYNC-SEMANTICS.md "Errors". `talkqa features check` never touches this file.

@handwritten @flow-contact-to-contacts @dead-letter
Feature: A value the other system rejects is dead-lettered; the other records go on
  A record the target rejects goes to the dead-letter list with the reason; the other records
  still sync; it is tried again on the next cycle and leaves the list once it succeeds.

  @critical @story-rejected-value
  Scenario: A 41-character givenName edited in Crmoffice is dead-lettered while the others sync
    Given a Salesforce Contact linked to a Crmoffice Contacts record
    When givenName is edited to a value of 41 characters in Crmoffice
    And another Salesforce Contact is created with FirstName "Bjørn Ærø"
    And the sync engine runs a cycle
    Then the edit to FirstName is on the dead-letter list with reason "STRING_TOO_LONG"
    And the other Salesforce Contact has a linked Crmoffice Contacts record with givenName "Bjørn Ærø"

  @story-rejected-value
  Scenario: A dead-lettered edit succeeds once fixed and leaves the dead-letter list
    Given a Salesforce Contact linked to a Crmoffice Contacts record
    When givenName is edited to a value of 41 characters in Crmoffice
    And the sync engine runs a cycle
    And givenName is edited to "Åse Ødegård" in Crmoffice
    And the sync engine runs another cycle
    Then the linked Salesforce Contact has FirstName "Åse Ødegård"
    And the dead-letter list is empty
