// @generated automatically by Diesel CLI.

diesel::table! {
    cccccccccccccccccccccccc (id) {
        id -> Integer,
        ffffffffffffffffffffffffid -> Nullable<Integer>,
    }
}

diesel::table! {
    pppppppppppppppppppppppp (id) {
        id -> Integer,
    }
}

diesel::joinable!(cccccccccccccccccccccccc -> pppppppppppppppppppppppp (ffffffffffffffffffffffffid));

diesel::allow_tables_to_appear_in_same_query!(cccccccccccccccccccccccc, pppppppppppppppppppppppp,);
