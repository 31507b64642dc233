package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// cheapArgon2 keeps tests fast; the format and checks are the same.
var cheapArgon2 = Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

func TestHashAndVerify(t *testing.T) {
	hasher := NewHasher(cheapArgon2, 2, 10, time.Second)
	ctx := context.Background()
	hash, err := hasher.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash = %q, want the argon2id PHC format", hash)
	}

	ok, err := hasher.Verify(ctx, "correct horse battery", hash)
	if err != nil || !ok {
		t.Errorf("Verify(right password) = %v, %v", ok, err)
	}
	ok, err = hasher.Verify(ctx, "correct horse batterz", hash)
	if err != nil || ok {
		t.Errorf("Verify(wrong password) = %v, %v", ok, err)
	}
}

func TestVerifyUnknownAccountNeverMatches(t *testing.T) {
	hasher := NewHasher(cheapArgon2, 1, 1, time.Second)
	for _, password := range []string{"", "dummy", "correct horse battery"} {
		ok, err := hasher.Verify(context.Background(), password, "")
		if err != nil || ok {
			t.Errorf("Verify(%q, no hash) = %v, %v; want false", password, ok, err)
		}
	}
}

func TestDefaultArgon2MeetsOWASPMinimum(t *testing.T) {
	if DefaultArgon2.MemoryKiB < 19*1024 || DefaultArgon2.Iterations < 2 {
		t.Errorf("DefaultArgon2 = %+v, below m=19456 KiB, t=2", DefaultArgon2)
	}
	hasher := NewHasher(DefaultArgon2, 1, 1, 10*time.Second)
	hash, err := hasher.Hash(context.Background(), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q", hash)
	}
}

func TestHasherRejectsPastQueueLimit(t *testing.T) {
	hasher := NewHasher(cheapArgon2, 1, 1, time.Minute)
	hasher.slots <- struct{}{} // a hash in progress holds the only slot

	var wg sync.WaitGroup
	wg.Add(1)
	queued := make(chan error, 1)
	go func() {
		defer wg.Done()
		_, err := hasher.Hash(context.Background(), "correct horse battery")
		queued <- err
	}()
	for hasher.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}

	if _, err := hasher.Hash(context.Background(), "x"); !errors.Is(err, ErrBusy) {
		t.Errorf("Hash past the queue limit: error = %v, want ErrBusy", err)
	}
	<-hasher.slots
	wg.Wait()
	if err := <-queued; err != nil {
		t.Errorf("queued Hash: error = %v, want nil", err)
	}
}

func TestHasherQueueTimesOut(t *testing.T) {
	hasher := NewHasher(cheapArgon2, 1, 5, 10*time.Millisecond)
	hasher.slots <- struct{}{}
	if _, err := hasher.Hash(context.Background(), "x"); !errors.Is(err, ErrBusy) {
		t.Errorf("error = %v, want ErrBusy after the wait", err)
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		password string
		want     error
	}{
		{"short", ErrPasswordTooShort},
		{strings.Repeat("ab", 129), ErrPasswordTooLong},
		{"password123", ErrPasswordCommon},
		{"1234567890", ErrPasswordCommon},
		{"qwertyuiop", ErrPasswordCommon},
		{"ada@acme.test1", ErrPasswordCommon},
		{"correct horse battery", nil},
		{"Tr0ub4dor&3-horse", nil},
		{"k2V!pQ9z@Lm4#Rt7&Wx1*Ny6^Bc3%Hd8Jf5-Gs0+Tu2=Ea7?Ko4~Zi9;Xr1|Ql6<" +
			strings.Repeat("x", 192), nil},
	}
	for _, tc := range cases {
		err := CheckPassword(tc.password, "ada@acme.test", "Ada Lovelace")
		if !errors.Is(err, tc.want) {
			t.Errorf("CheckPassword(%.20q) = %v, want %v", tc.password, err, tc.want)
		}
	}
}
