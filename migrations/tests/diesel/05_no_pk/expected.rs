// @generated automatically by Diesel CLI.

diesel::table! {
    has_rowid_col (oid) {
        oid -> Integer,
        rowid -> Nullable<Text>,
        x -> Nullable<Integer>,
    }
}

diesel::table! {
    has_rowid_oid (_rowid_) {
        _rowid_ -> Integer,
        rowid -> Nullable<Text>,
        oid -> Nullable<Text>,
        x -> Nullable<Integer>,
    }
}

diesel::table! {
    has_upper_rowid (rowid) {
        rowid -> Integer,
        ROWID -> Nullable<Text>,
        x -> Nullable<Integer>,
    }
}

diesel::table! {
    nopk (rowid) {
        rowid -> Integer,
        a -> Nullable<Text>,
        b -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(has_rowid_col, has_rowid_oid, has_upper_rowid, nopk,);
