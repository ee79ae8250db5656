# Hand-written: the document says nothing about faults. shared/SYNC-SEMANTICS.md "Errors": transient
# faults are retried with backoff, an expired session logs in again once, a rejected record is
# dead-lettered and tried again next cycle. Each Examples row is one cell of the fault matrix:
# a fault, the system that answers it, and the route (a read or a write). The faults are scripted
# in the embedded fakes, so on a sandbox these scenarios are skipped with the reason.
# `talkqa features check` never touches this file.

@handwritten @flow-contact-to-contacts @fault
Feature: Faults lose nothing and duplicate nothing
  After a fault clears, both systems hold what the same run without the fault gives them: no
  duplicate, no lost edit, and a dead letter only for a permanent rejection. Every scenario
  starts from the same records: a linked Contact with one property edited in each system
  (a write to each side) and a new Contact (a create in Crmoffice); the run without the fault
  is the same steps on fresh fakes.

  @critical @story-transient-fault
  Scenario Outline: <fault> from <side> <route> (<access>) is retried; the sync ends as without it
    Given a linked Salesforce Contact edited in both systems and one not yet synced
    When the next <count> call(s) to <side> <route> answer <fault>
    And the sync engine runs a cycle
    And the sync engine runs another cycle
    Then both systems end as they would without the fault
    And the faulted cycle's report says "retried"
    And the connectors paused "<pauses>" between attempts

    Examples: Salesforce
      | side       | route                    | access | fault              | count | pauses     |
      | Salesforce | query                    | read   | 429                | 2     | 7s, 7s     |
      | Salesforce | query                    | read   | 503                | 2     | 2 backoffs |
      | Salesforce | query                    | read   | timeout            | 2     | 2 backoffs |
      | Salesforce | query                    | read   | reset              | 2     | 2 backoffs |
      | Salesforce | query                    | read   | expired-session    | 1     | none       |
      | Salesforce | composite.sobjects.patch | write  | 429                | 2     | 7s, 7s     |
      | Salesforce | composite.sobjects.patch | write  | 503                | 2     | 2 backoffs |
      | Salesforce | composite.sobjects.patch | write  | timeout            | 2     | 2 backoffs |
      | Salesforce | composite.sobjects.patch | write  | reset              | 2     | 2 backoffs |
      | Salesforce | composite.sobjects.patch | write  | expired-session    | 1     | none       |
      | Salesforce | composite.sobjects.patch | write  | UNABLE_TO_LOCK_ROW | 2     | 2 backoffs |

    Examples: Crmoffice
      | side      | route           | access | fault           | count | pauses     |
      | Crmoffice | contacts.list   | read   | 429             | 2     | 7s, 7s     |
      | Crmoffice | contacts.list   | read   | 503             | 2     | 2 backoffs |
      | Crmoffice | contacts.list   | read   | timeout         | 2     | 2 backoffs |
      | Crmoffice | contacts.list   | read   | reset           | 2     | 2 backoffs |
      | Crmoffice | contacts.list   | read   | expired-session | 1     | none       |
      | Crmoffice | contacts.create | write  | 429             | 2     | 7s, 7s     |
      | Crmoffice | contacts.create | write  | 503             | 2     | 2 backoffs |
      | Crmoffice | contacts.create | write  | timeout         | 2     | 2 backoffs |
      | Crmoffice | contacts.create | write  | reset           | 2     | 2 backoffs |
      | Crmoffice | contacts.create | write  | expired-session | 1     | none       |
      | Crmoffice | contacts.create | write  | locked          | 2     | 2 backoffs |
      | Crmoffice | contacts.update | write  | 429             | 2     | 7s, 7s     |
      | Crmoffice | contacts.update | write  | 503             | 2     | 2 backoffs |
      | Crmoffice | contacts.update | write  | timeout         | 2     | 2 backoffs |
      | Crmoffice | contacts.update | write  | reset           | 2     | 2 backoffs |
      | Crmoffice | contacts.update | write  | expired-session | 1     | none       |
      | Crmoffice | contacts.update | write  | locked          | 2     | 2 backoffs |

  @critical @story-lost-response
  Scenario Outline: A <route> write applied by <side> whose answer was lost makes no duplicate
    Given a linked Salesforce Contact edited in both systems and one not yet synced
    When the next 1 call(s) to <side> <route> answer lost-response
    And the sync engine runs a cycle
    And the sync engine runs another cycle
    Then both systems end as they would without the fault
    And the faulted cycle's report says "retried"
    And the connectors paused "1 backoff" between attempts

    Examples: writes
      | side       | route                    | access |
      | Salesforce | composite.sobjects.patch | write  |
      | Crmoffice  | contacts.create          | write  |
      | Crmoffice  | contacts.update          | write  |

  @story-record-failure
  Scenario Outline: One record of a Salesforce Collections call fails with <reason>; it is <outcome>
    Given a linked Salesforce Contact edited in both systems and one not yet synced
    When the next call to Salesforce composite.sobjects.patch fails one record with "<reason>"
    And the sync engine runs a cycle
    And the sync engine runs another cycle
    Then both systems end as they would without the fault
    And the faulted cycle's report says "<outcome> <reason>"
    And the connectors paused "none" between attempts

    Examples: one record of the batch
      | reason             | outcome       | access |
      | UNABLE_TO_LOCK_ROW | deferred      | write  |
      | STRING_TOO_LONG    | dead-lettered | write  |
