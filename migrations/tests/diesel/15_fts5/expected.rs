// @generated automatically by Diesel CLI.

diesel::table! {
    docs (id) {
        id -> Integer,
        body -> Text,
    }
}

diesel::table! {
    docs_fts (rowid) {
        rowid -> Integer,
        body -> Nullable<Binary>,
        #[sql_name = "docs_fts"]
        docs_fts_ -> Nullable<Binary>,
        rank -> Nullable<Binary>,
    }
}

diesel::table! {
    docs_fts_config (k) {
        k -> Binary,
        v -> Nullable<Binary>,
    }
}

diesel::table! {
    docs_fts_data (id) {
        id -> Nullable<Integer>,
        block -> Nullable<Binary>,
    }
}

diesel::table! {
    docs_fts_docsize (id) {
        id -> Nullable<Integer>,
        sz -> Nullable<Binary>,
    }
}

diesel::table! {
    docs_fts_idx (segid, term) {
        segid -> Binary,
        term -> Binary,
        pgno -> Nullable<Binary>,
    }
}

diesel::table! {
    plain_fts (rowid) {
        rowid -> Integer,
        title -> Nullable<Binary>,
        body -> Nullable<Binary>,
        #[sql_name = "plain_fts"]
        plain_fts_ -> Nullable<Binary>,
        rank -> Nullable<Binary>,
    }
}

diesel::table! {
    plain_fts_config (k) {
        k -> Binary,
        v -> Nullable<Binary>,
    }
}

diesel::table! {
    plain_fts_content (id) {
        id -> Nullable<Integer>,
        c0 -> Nullable<Binary>,
        c1 -> Nullable<Binary>,
    }
}

diesel::table! {
    plain_fts_data (id) {
        id -> Nullable<Integer>,
        block -> Nullable<Binary>,
    }
}

diesel::table! {
    plain_fts_docsize (id) {
        id -> Nullable<Integer>,
        sz -> Nullable<Binary>,
    }
}

diesel::table! {
    plain_fts_idx (segid, term) {
        segid -> Binary,
        term -> Binary,
        pgno -> Nullable<Binary>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    docs,
    docs_fts,
    docs_fts_config,
    docs_fts_data,
    docs_fts_docsize,
    docs_fts_idx,
    plain_fts,
    plain_fts_config,
    plain_fts_content,
    plain_fts_data,
    plain_fts_docsize,
    plain_fts_idx,
);
