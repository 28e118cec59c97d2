//! Every statement is checked against what its session's user may do,
//! here, before it runs: Flink, Kyuubi, Livy, ByteHouse and scripts all
//! execute through [`SessionEngine::execute`], so no protocol can skip it.
//!
//! A statement needs one action on one target per thing it does (see
//! [`crate::identity::access`]): writes from its shape (INSERT into a table
//! needs `INSERT` on its database), reads from its logical plan, looked at
//! only when the user may not read everything (so a `Developer`'s or
//! `ReadOnly`'s query is not planned twice). TEMPORARY views are private to
//! the session and need nothing; TEMPORARY tables may write files, so they
//! need `CREATE` as permanent ones do.

use crate::engine::catalog::TableKey;
use crate::engine::dialect::{self, FlinkStatement, Name};
use crate::engine::errors::from_datafusion;
use crate::engine::statement::{self, StatementKind};
use crate::engine::{SessionEngine, StatementOptions};
use crate::error::Result;
use crate::identity::access::{Access, Action, Target};

/// The database a table key lives in.
fn database(key: &TableKey) -> Target {
    Target::Database(key.0.clone(), key.1.clone())
}

impl SessionEngine {
    /// Refuse `statement` unless the session's user, acting with the
    /// statement's active role, may do all it does.
    pub(super) async fn authorize(&self, statement: &FlinkStatement, options: &StatementOptions) -> Result<()> {
        if !self.durable {
            return Ok(()); // replaying the store: what is stored was allowed.
        }
        if options.active_role.is_none() && self.shared.iam.unrestricted(&self.owner) {
            return Ok(());
        }
        let access = self.shared.iam.access(&self.owner, options.active_role.as_deref())?;
        if access.unrestricted() {
            return Ok(());
        }
        self.authorize_with(&access, statement).await
    }

    async fn authorize_with(&self, access: &Access, statement: &FlinkStatement) -> Result<()> {
        for (action, target) in self.needs(statement)? {
            access.require(action, &target)?;
        }
        if let Some(query) = reads(statement)
            && !access.reads_everything()
        {
            let read = self.tables_read_by(query).await?;
            for key in read.tables.iter().chain(read.views.iter()) {
                if !self.is_temporary(key) {
                    access.require(Action::Select, &database(key))?;
                }
            }
        }
        if let FlinkStatement::ExecuteStatementSet(inserts) = statement {
            for insert in inserts {
                Box::pin(self.authorize_with(access, &dialect::parse(insert)?)).await?;
            }
        }
        Ok(())
    }

    /// The database `name` (`[catalog.]database`) names.
    fn database_target(&self, name: &Name) -> Target {
        match name.as_slice() {
            [c, d] => Target::Database(c.clone(), d.clone()),
            _ => Target::Database(self.current().0, name.last().cloned().unwrap_or_default()),
        }
    }

    /// The writes `statement` makes, as actions on targets.
    fn needs(&self, statement: &FlinkStatement) -> Result<Vec<(Action, Target)>> {
        use FlinkStatement as S;
        let on = |action: Action, name: &Name| -> Result<(Action, Target)> { Ok((action, database(&self.table_key(name)?))) };
        Ok(match statement {
            S::Insert { table, .. } => vec![on(Action::Insert, table)?],
            S::CreateTable(ddl) => {
                let mut needs = vec![on(Action::Create, &ddl.name)?];
                if ddl.as_query.is_some() {
                    needs.push(on(Action::Insert, &ddl.name)?);
                }
                needs
            }
            S::CreateView { temporary: true, .. } => vec![],
            S::CreateView { name, .. } => vec![on(Action::Create, name)?],
            S::DropTable { name, temporary, .. } | S::DropView { name, temporary, .. } => {
                let key = self.table_key(name)?;
                if *temporary || self.is_temporary(&key) { vec![] } else { vec![(Action::Drop, database(&key))] }
            }
            S::AlterTableRename { name, new_name } => {
                let mut needs = vec![on(Action::Alter, name)?];
                if new_name.len() > 1 {
                    needs.push(on(Action::Create, new_name)?);
                }
                needs
            }
            S::AlterTableSet { name, .. } | S::AlterTableReset { name, .. } => vec![on(Action::Alter, name)?],
            S::CreateDatabase { name, .. } => {
                let Target::Database(catalog, _) = self.database_target(name) else { unreachable!("a database target") };
                vec![(Action::Create, Target::Catalog(catalog))]
            }
            S::DropDatabase { name, .. } => vec![(Action::Drop, self.database_target(name))],
            S::CreateCatalog { .. } => vec![(Action::Create, Target::Account)],
            S::DropCatalog { .. } => vec![(Action::Drop, Target::Account)],
            S::CreateMaterializedTable(def) => vec![on(Action::Create, &def.name)?, on(Action::Insert, &def.name)?],
            S::AlterMaterializedTable { name, .. } => vec![on(Action::Alter, name)?],
            S::DropMaterializedTable { name, .. } => vec![on(Action::Drop, name)?],
            S::StopJob { id, .. } => match self.shared.jobs.get(id) {
                // One's own job may be stopped; another's needs ALTER on the account.
                Ok(job) if job.owner == self.owner => vec![],
                _ => vec![(Action::Alter, Target::Account)],
            },
            // DataFusion statements without a Flink form: SHOW-like ones
            // read; anything else (DDL, DML, COPY) needs every write.
            S::Passthrough(sql) => {
                let state = self.ctx.state();
                let parsed = state.sql_to_statement(sql, &state.config().options().sql_parser.dialect).map_err(from_datafusion)?;
                match statement::kind_of(&parsed) {
                    StatementKind::Query | StatementKind::Show => vec![(Action::Select, Target::Account)],
                    StatementKind::Dml | StatementKind::Command => [Action::Insert, Action::Create, Action::Drop, Action::Alter].map(|a| (a, Target::Account)).to_vec(),
                }
            }
            _ => vec![],
        })
    }
}

/// The query a statement reads rows with, if it reads any.
fn reads(statement: &FlinkStatement) -> Option<&str> {
    use FlinkStatement as S;
    match statement {
        S::Query(sql) | S::Insert { sql, .. } => Some(sql),
        S::CreateTable(ddl) => ddl.as_query.as_deref(),
        S::CreateMaterializedTable(def) => Some(&def.query),
        _ => None,
    }
}
