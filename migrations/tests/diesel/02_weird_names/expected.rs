// @generated automatically by Diesel CLI.

diesel::table! {
    UpperTable (Id) {
        Id -> Integer,
        Name -> Text,
    }
}

diesel::table! {
    #[sql_name = "dash-table"]
    dash_table (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "has space"]
    has_space (id) {
        id -> Integer,
        name -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "quote'table"]
    quote_table (id) {
        id -> Integer,
        #[sql_name = "created at"]
        created_at -> Nullable<Text>,
        #[sql_name = "with-dash"]
        with_dash -> Nullable<Integer>,
        #[sql_name = r#"with"dq"#]
        with_dq -> Nullable<Text>,
        CamelCase -> Nullable<Text>,
        #[sql_name = "1starts_digit"]
        _1starts_digit -> Nullable<Text>,
        #[sql_name = "ünïcode"]
        _n_code -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(UpperTable, dash_table, has_space, quote_table,);
