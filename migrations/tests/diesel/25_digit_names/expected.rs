// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "123"]
    _123 (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "1table"]
    _1table (id) {
        id -> Integer,
        #[sql_name = "2col"]
        _2col -> Nullable<Integer>,
        #[sql_name = "3 col"]
        _3_col -> Nullable<Text>,
    }
}

diesel::table! {
    child (id) {
        id -> Integer,
        #[sql_name = "9parent"]
        _9parent -> Nullable<Integer>,
    }
}

diesel::joinable!(child -> _1table (_9parent));

diesel::allow_tables_to_appear_in_same_query!(_123, _1table, child,);
