// The database's tables, one interface per domain (db/tables/*), composed here. Migrations in
// db/migrations/ are the source of truth; these types follow them by hand.
import type { FoundationTables } from "./tables/foundation";
import type { ParticipantTables } from "./tables/participants";
import type { CodingTables } from "./tables/coding";
import type { WellbeingTables } from "./tables/wellbeing";
import type { ReportBackTables } from "./tables/report-back";
import type { FlashTables } from "./tables/flash";
import type { WorkspaceUserColumns } from "./tables/workspace";
import type { AppUserTable } from "./tables/foundation";
import type { TrustTables } from "./tables/trust";
import type { HealthTables } from "./tables/health";
import type { QuoteCheckTables } from "./tables/quote-checks";

export interface Database
  extends
    FlashTables,
    FoundationTables,
    ParticipantTables,
    CodingTables,
    WellbeingTables,
    ReportBackTables,
    TrustTables,
    HealthTables,
    QuoteCheckTables {
  app_user: AppUserTable & WorkspaceUserColumns;
}
