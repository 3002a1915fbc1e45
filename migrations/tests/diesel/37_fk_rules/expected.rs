// @generated automatically by Diesel CLI.

diesel::table! {
    Multi2 (id) {
        id -> Integer,
        #[sql_name = "b col"]
        b_col -> Nullable<Integer>,
    }
}

diesel::table! {
    Zeta (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "a-b"]
    a_b (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    a_a (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    alpha (id) {
        id -> Integer,
    }
}

diesel::table! {
    ci_col (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    ci_table (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    cpk (x, y) {
        x -> Integer,
        y -> Integer,
    }
}

diesel::table! {
    multi (id) {
        id -> Integer,
        z_id -> Nullable<Integer>,
        a_id -> Nullable<Integer>,
        m_id -> Nullable<Integer>,
    }
}

diesel::table! {
    nopk_parent (rowid) {
        rowid -> Integer,
        name -> Nullable<Text>,
    }
}

diesel::table! {
    parent (id) {
        id -> Integer,
        code -> Nullable<Text>,
    }
}

diesel::table! {
    ping (id) {
        id -> Integer,
        pong_id -> Nullable<Integer>,
    }
}

diesel::table! {
    pong (id) {
        id -> Integer,
        ping_id -> Nullable<Integer>,
    }
}

diesel::table! {
    to_cpk_first (id) {
        id -> Integer,
        a -> Nullable<Integer>,
    }
}

diesel::table! {
    to_cpk_implicit (id) {
        id -> Integer,
        a -> Nullable<Integer>,
        b -> Nullable<Integer>,
    }
}

diesel::table! {
    to_hidden (id) {
        id -> Integer,
        h -> Nullable<Integer>,
        s -> Nullable<Integer>,
    }
}

diesel::table! {
    to_nopk (id) {
        id -> Integer,
        np -> Nullable<Integer>,
    }
}

diesel::table! {
    to_nopk_rowid (id) {
        id -> Integer,
        np -> Nullable<Integer>,
    }
}

diesel::table! {
    to_upper_parent (id) {
        id -> Integer,
        z -> Nullable<Integer>,
    }
}

diesel::table! {
    to_view (id) {
        id -> Integer,
        v -> Nullable<Integer>,
    }
}

diesel::table! {
    to_wr (id) {
        id -> Integer,
        k -> Nullable<Text>,
    }
}

diesel::table! {
    to_wr_implicit (id) {
        id -> Integer,
        k -> Nullable<Text>,
    }
}

diesel::table! {
    to_ws (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    two_kinds (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
        pcode -> Nullable<Text>,
    }
}

diesel::table! {
    wr (k) {
        k -> Text,
    }
}

diesel::joinable!(Multi2 -> alpha (b_col));
diesel::joinable!(a_b -> parent (pid));
diesel::joinable!(a_a -> parent (pid));
diesel::joinable!(multi -> Zeta (a_id));
diesel::joinable!(multi -> alpha (z_id));
diesel::joinable!(multi -> parent (m_id));
diesel::joinable!(to_nopk -> nopk_parent (np));
diesel::joinable!(to_nopk_rowid -> nopk_parent (np));
diesel::joinable!(to_wr -> wr (k));
diesel::joinable!(to_wr_implicit -> wr (k));
diesel::joinable!(to_ws -> parent (pid));

diesel::allow_tables_to_appear_in_same_query!(
    Multi2,
    Zeta,
    a_b,
    a_a,
    alpha,
    ci_col,
    ci_table,
    cpk,
    multi,
    nopk_parent,
    parent,
    ping,
    pong,
    to_cpk_first,
    to_cpk_implicit,
    to_hidden,
    to_nopk,
    to_nopk_rowid,
    to_upper_parent,
    to_view,
    to_wr,
    to_wr_implicit,
    to_ws,
    two_kinds,
    wr,
);
