// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "m n"]
    m_n (first_col, type_) {
        #[sql_name = "first col"]
        first_col -> Nullable<Text>,
        #[sql_name = "type"]
        type_ -> Nullable<Integer>,
        other -> Nullable<Text>,
    }
}
