//! A session's view of the catalogs: the gateway's, with the session's
//! TEMPORARY tables and views in front. Flink's temporary objects belong to
//! their session, shadow permanent ones of the same name, and are never
//! stored; everything else a session registers goes to the shared catalog.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use datafusion::catalog::{CatalogProvider, CatalogProviderList, SchemaProvider, TableProvider};
use datafusion::error::Result as DfResult;

use super::CatalogList;
use crate::engine::catalog::{TableKey, TableMeta};

/// A session's temporary tables and views, with their definitions.
#[derive(Debug, Default)]
pub struct TemporaryObjects {
    /// Providers and definitions by place.
    objects: RwLock<BTreeMap<TableKey, (Arc<dyn TableProvider>, TableMeta)>>,
}

impl TemporaryObjects {
    /// Register (or replace) a temporary object.
    pub fn register(&self, key: &TableKey, provider: Arc<dyn TableProvider>, meta: TableMeta) {
        if let Ok(mut objects) = self.objects.write() {
            objects.insert(key.clone(), (provider, meta));
        }
    }

    /// Drop a temporary object; answers whether there was one.
    pub fn deregister(&self, key: &TableKey) -> bool {
        self.objects.write().map(|mut o| o.remove(key).is_some()).unwrap_or(false)
    }

    /// Whether `key` is a temporary object.
    pub fn contains(&self, key: &TableKey) -> bool {
        self.objects.read().map(|o| o.contains_key(key)).unwrap_or(false)
    }

    /// The definition of a temporary object.
    pub fn meta(&self, key: &TableKey) -> Option<TableMeta> {
        self.objects.read().ok()?.get(key).map(|(_, m)| m.clone())
    }

    /// Every temporary definition.
    pub fn metas(&self) -> Vec<(TableKey, TableMeta)> {
        self.objects.read().map(|o| o.iter().map(|(k, (_, m))| (k.clone(), m.clone())).collect()).unwrap_or_default()
    }

    fn provider(&self, key: &TableKey) -> Option<Arc<dyn TableProvider>> {
        self.objects.read().ok()?.get(key).map(|(p, _)| p.clone())
    }

    fn names_in(&self, catalog: &str, database: &str) -> Vec<String> {
        self.objects
            .read()
            .map(|o| o.keys().filter(|k| k.0 == catalog && k.1 == database).map(|k| k.2.clone()).collect())
            .unwrap_or_default()
    }
}

/// The catalog list a session's DataFusion state reads.
#[derive(Debug)]
pub struct SessionCatalogs {
    /// The gateway's catalogs.
    pub shared: Arc<CatalogList>,
    /// The session's temporary objects.
    pub temporary: Arc<TemporaryObjects>,
}

impl CatalogProviderList for SessionCatalogs {
    fn register_catalog(&self, name: String, catalog: Arc<dyn CatalogProvider>) -> Option<Arc<dyn CatalogProvider>> {
        self.shared.register_catalog(name, catalog)
    }

    fn catalog_names(&self) -> Vec<String> {
        self.shared.catalog_names()
    }

    fn catalog(&self, name: &str) -> Option<Arc<dyn CatalogProvider>> {
        let inner = self.shared.catalog(name)?;
        Some(Arc::new(SessionCatalog { name: name.to_string(), inner, temporary: self.temporary.clone() }))
    }
}

/// One shared catalog as a session sees it.
#[derive(Debug)]
struct SessionCatalog {
    /// Its name, to place temporary objects.
    name: String,
    /// The shared catalog.
    inner: Arc<dyn CatalogProvider>,
    /// The session's temporary objects.
    temporary: Arc<TemporaryObjects>,
}

impl CatalogProvider for SessionCatalog {
    fn schema_names(&self) -> Vec<String> {
        self.inner.schema_names()
    }

    fn schema(&self, name: &str) -> Option<Arc<dyn SchemaProvider>> {
        let inner = self.inner.schema(name)?;
        Some(Arc::new(SessionSchema { catalog: self.name.clone(), database: name.to_string(), inner, temporary: self.temporary.clone() }))
    }

    fn register_schema(&self, name: &str, schema: Arc<dyn SchemaProvider>) -> DfResult<Option<Arc<dyn SchemaProvider>>> {
        self.inner.register_schema(name, schema)
    }

    fn deregister_schema(&self, name: &str, cascade: bool) -> DfResult<Option<Arc<dyn SchemaProvider>>> {
        self.inner.deregister_schema(name, cascade)
    }
}

/// One shared database as a session sees it: its temporary objects first.
#[derive(Debug)]
struct SessionSchema {
    /// The catalog it is in.
    catalog: String,
    /// Its name.
    database: String,
    /// The shared database.
    inner: Arc<dyn SchemaProvider>,
    /// The session's temporary objects.
    temporary: Arc<TemporaryObjects>,
}

impl SessionSchema {
    fn key(&self, name: &str) -> TableKey {
        (self.catalog.clone(), self.database.clone(), name.to_string())
    }
}

#[async_trait]
impl SchemaProvider for SessionSchema {
    fn table_names(&self) -> Vec<String> {
        let mut names = self.inner.table_names();
        names.extend(self.temporary.names_in(&self.catalog, &self.database));
        names.sort();
        names.dedup();
        names
    }

    async fn table(&self, name: &str) -> DfResult<Option<Arc<dyn TableProvider>>> {
        match self.temporary.provider(&self.key(name)) {
            Some(provider) => Ok(Some(provider)),
            None => self.inner.table(name).await,
        }
    }

    fn register_table(&self, name: String, table: Arc<dyn TableProvider>) -> DfResult<Option<Arc<dyn TableProvider>>> {
        self.inner.register_table(name, table)
    }

    fn deregister_table(&self, name: &str) -> DfResult<Option<Arc<dyn TableProvider>>> {
        self.inner.deregister_table(name)
    }

    fn table_exist(&self, name: &str) -> bool {
        self.temporary.contains(&self.key(name)) || self.inner.table_exist(name)
    }
}
