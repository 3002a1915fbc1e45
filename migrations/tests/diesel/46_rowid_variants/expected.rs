// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "Upper Rowid"]
    Upper_Rowid (rowid) {
        rowid -> Integer,
        RowId -> Nullable<Integer>,
        OID -> Nullable<Text>,
    }
}

diesel::table! {
    oid_and_rowid_ (rowid) {
        rowid -> Integer,
        oid -> Nullable<Text>,
        _rowid_ -> Nullable<Text>,
        x -> Nullable<Integer>,
    }
}

diesel::table! {
    only_oid (rowid) {
        rowid -> Integer,
        oid -> Nullable<Text>,
        x -> Nullable<Integer>,
    }
}

diesel::table! {
    ref_only_oid (id) {
        id -> Integer,
        r -> Nullable<Integer>,
    }
}

diesel::table! {
    rowid_and_rowid_ (oid) {
        oid -> Integer,
        rowid -> Nullable<Text>,
        _rowid_ -> Nullable<Text>,
        x -> Nullable<Integer>,
    }
}

diesel::joinable!(ref_only_oid -> only_oid (r));

diesel::allow_tables_to_appear_in_same_query!(
    Upper_Rowid,
    oid_and_rowid_,
    only_oid,
    ref_only_oid,
    rowid_and_rowid_,
);
